import type { DeliveryStatus } from '../ports/port.ts';

/**
 * One inbound webhook request exactly as it arrived: the verifier sees the raw bytes the sender
 * signed, never a re-serialised body.
 */
export interface SignedRequest {
  rawBody: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The full public URL the sender called (scheme, host, path and query): Twilio signs it. */
  url: string;
}

/** Why a request was refused; the ingress answers 401/403 and enqueues nothing. */
export type RejectReason = 'missing_secret' | 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'malformed';

export class WebhookRejected extends Error {
  readonly reason: RejectReason;
  /** For a malformed body: each problem with its path (`body.source`), as the API reports them. */
  readonly details: readonly { path: string; message: string }[];

  constructor(reason: RejectReason, message: string, details: readonly { path: string; message: string }[] = []) {
    super(message);
    this.name = 'WebhookRejected';
    this.reason = reason;
    this.details = details;
  }
}

/** A delivery report for a message Arrears sent. */
export interface DeliveryStatusEvent {
  kind: 'delivery_status';
  /** Unique per provider event: the dedupe key (a re-delivery carries the same id). */
  id: string;
  provider: string;
  provider_message_id: string;
  /** Present when the provider echoes it back (SendGrid custom_args, Twilio callback URL). */
  effect_key?: string;
  status: DeliveryStatus;
  /** The provider's own error code or reason text, when it failed. */
  reason?: string;
  occurred_at?: string;
}

/** A message a tenant sent to Arrears (an SMS reply, an email reply). */
export interface InboundMessageEvent {
  kind: 'inbound_message';
  id: string;
  provider: string;
  channel: 'sms' | 'email';
  /** E.164 phone number or email address. */
  from: string;
  to: string;
  body: string;
  occurred_at?: string;
}

/** Ledger records pushed by an accounting system (a new or updated invoice, payment, credit). */
export interface LedgerEventsEvent {
  kind: 'ledger_events';
  id: string;
  provider: string;
  /** The ledger source the records are idempotent under, e.g. `quickbooks`, `accounting`. */
  source: string;
  events: unknown[];
}

export type InboundEvent = DeliveryStatusEvent | InboundMessageEvent | LedgerEventsEvent;

/**
 * A webhook scheme: how one provider signs, and how its payload becomes events. `verify` runs
 * first, over the raw body, in constant time, and throws WebhookRejected; `parse` only ever sees
 * verified requests.
 */
export interface WebhookScheme {
  id: string;
  /**
   * The 200 body for a verified delivery, when the sender reads it (Twilio parses the answer to
   * an inbound SMS as TwiML). Without it the ingress answers JSON counts.
   */
  acknowledgement?: { contentType: string; body: string };
  /**
   * Each event's id is the sender's own delivery id, not derived from the content, so a
   * re-delivery must repeat the same bytes: the ingress keeps the raw body's SHA-256 and answers
   * 409 when an id comes back with another body (a sender's bug that would otherwise drop the
   * second body as a duplicate). Schemes whose ids come from the content (Twilio's sid:status,
   * SendGrid's per-event ids, which may be re-batched) leave it off.
   */
  deliveryIds?: boolean;
  verify(request: SignedRequest, secret: string | undefined, now: Date): void;
  parse(request: SignedRequest): InboundEvent[];
}
