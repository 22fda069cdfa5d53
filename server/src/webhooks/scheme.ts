import crypto from 'node:crypto';
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

/**
 * Why a request was refused; the ingress answers 401 (400 for `malformed`) and enqueues nothing.
 * `bad_timestamp`: a signature timestamp is present but not whole Unix seconds (a decimal, a
 * sign, milliseconds), which no sender we verify produces; `stale_timestamp` is a well-formed one
 * outside the window.
 */
export type RejectReason =
  'missing_secret' | 'missing_signature' | 'bad_signature' | 'bad_timestamp' | 'stale_timestamp' | 'malformed';

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

/**
 * The longest event id the ingress stores as a key (`inbound_events` primary key). PostgreSQL's
 * btree refuses index rows over 2,704 bytes with an error (a 500, and a batch the provider
 * retries for days); 200 characters is the ledger's own limit for external ids and far above
 * any real provider id (Twilio sids are 34, SendGrid event ids about 22–48).
 */
export const MAX_EVENT_ID_LENGTH = 200;

/**
 * A provider-chosen id as a storable key: kept as it is up to MAX_EVENT_ID_LENGTH, else replaced
 * by `sha256:<hex>` of it. The hash is deterministic, so a re-delivery still dedupes on it; it is
 * for ids that arrive verified (signed by the provider) and whose event is worth keeping.
 */
export function boundedId(id: string): string {
  return id.length <= MAX_EVENT_ID_LENGTH ? id : `sha256:${crypto.createHash('sha256').update(id).digest('hex')}`;
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
  /**
   * Email only: whether the sender's domain is authenticated (DKIM pass for the From domain, or
   * SPF pass for an envelope sender aligned with it), as SendGrid's receiving server reported it.
   * An email reply without `true` changes no consent and no hold: a person reads it
   * (process.ts). Texts leave it off: the carrier vouches for the number.
   */
  sender_verified?: boolean;
  /** What the verdict rests on, for the person reading an unverified reply (`spf=fail dkim=none`). */
  sender_check?: string;
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
