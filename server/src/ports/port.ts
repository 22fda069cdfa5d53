import type { Trx } from '../db/database.ts';

/** Every channel Arrears reaches the outside world through; one port each. */
export const CHANNELS = [
  'email',
  'sms',
  'voice',
  'letter',
  'crm',
  'ticket',
  'esign',
  'sheet',
  'identity',
  'payments',
  'chat',
  'task',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** What every outbound message carries, whatever the channel. */
export interface OutboundBase {
  /** The effect's idempotency key: one step, one message, across retries and workers. */
  key: string;
  org_id: string;
  lease_id: string;
  /** sha256 of the rendered content, as the audit trail records it. */
  content_sha256: string;
}

export interface SendContext {
  now: Date;
  /**
   * The dispatch transaction, given only to ports with `inTransaction` (the sandbox): what they
   * record commits or rolls back with the effect's own status, so a crash can neither lose nor
   * repeat it.
   */
  trx?: Trx;
}

/** The provider accepted the message; delivery is reported later through its webhook. */
export interface Delivery {
  provider: string;
  provider_message_id: string;
  status: 'accepted' | 'delivered';
}

/** What became of a message, in one vocabulary for every provider (webhooks and read-backs). */
export type DeliveryStatus =
  | 'queued'
  | 'sent'
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'answered'
  | 'voicemail'
  | 'no_answer'
  | 'busy'
  | 'undelivered'
  | 'failed'
  | 'bounced'
  | 'dropped'
  | 'spam_report'
  | 'unsubscribed';

/**
 * What the provider itself says now about a message it accepted, read back from its API, in
 * the delivery reports' vocabulary so it replaces a report's own status.
 */
export interface FetchedStatus {
  status: DeliveryStatus;
  /** The provider's error code or reason text, when it failed. */
  reason?: string;
}

export interface OutboundPort<M extends OutboundBase> {
  readonly channel: Channel;
  /** `sandbox`, `twilio`, `sendgrid`, … as shown in the outbox and the audit trail. */
  readonly provider: string;
  /** True for providers that record in the database (the sandbox): send inside the effect's transaction. */
  readonly inTransaction: boolean;
  /** Throws ProviderError (ports/errors.ts) on failure; never retries on its own. */
  send(message: M, context: SendContext): Promise<Delivery>;
  /**
   * Optional: re-fetches the delivery status of a message this provider accepted, by its
   * `provider_message_id`. Ports that have it make delivery reports a hint: the worker acts on
   * what the provider answers, not on the webhook body (webhooks/process.ts). Throws
   * ProviderError; a retryable kind (ports/errors.ts) means "ask again later".
   */
  fetchStatus?(providerMessageId: string, context: { now: Date }): Promise<FetchedStatus>;
}
