import crypto from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { sendgridPublicKey } from '../../providers/sendgrid/credentials.ts';
import {
  boundedId,
  WebhookRejected,
  type DeliveryStatusEvent,
  type SignedRequest,
  type WebhookScheme,
} from '../scheme.ts';

/** Signed more than this before or after now: a replay (or a badly skewed clock), refused. */
export const SENDGRID_TOLERANCE_SECONDS = 300;

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

/**
 * The header checks both SendGrid webhooks share (Event Webhook and signed Inbound Parse): a
 * configured public key, both headers, a decimal timestamp. `verify` runs the ECDSA check; the
 * timestamp window is checked only after the signature, since only then is the timestamp trusted.
 * `maxAgeSeconds` is how old a signature may be (a scheme whose sender retries for longer than
 * our window can widen it); one from the future is accepted only within the tolerance.
 */
export function verifySendgridSignature(
  request: SignedRequest,
  publicKey: string | undefined,
  now: Date,
  verify: (publicKey: string, signature: string, timestamp: string) => boolean,
  maxAgeSeconds: number = SENDGRID_TOLERANCE_SECONDS,
): void {
  if (!publicKey)
    throw new WebhookRejected('missing_secret', 'no SendGrid verification key is configured for this org');
  if (!sendgridPublicKey(publicKey))
    // Stored but unusable (a truncated paste): as good as none, and no request can pass.
    throw new WebhookRejected('missing_secret', 'the configured SendGrid verification key is not a P-256 public key');
  const signature = request.headers[SIGNATURE];
  const timestamp = request.headers[TIMESTAMP];
  if (!signature || !timestamp)
    throw new WebhookRejected(
      'missing_signature',
      'X-Twilio-Email-Event-Webhook-Signature and X-Twilio-Email-Event-Webhook-Timestamp are required',
    );
  // Present but not whole Unix seconds (a decimal, a sign, milliseconds): SendGrid never sends
  // that, and the header is there, so it is a bad timestamp, not a missing signature.
  if (!/^\d{1,12}$/.test(timestamp))
    throw new WebhookRejected('bad_timestamp', 'X-Twilio-Email-Event-Webhook-Timestamp must be whole Unix seconds');
  let valid: boolean;
  try {
    valid = verify(publicKey, signature, timestamp);
  } catch {
    // An undecodable signature is simply not a valid one.
    valid = false;
  }
  if (!valid) throw new WebhookRejected('bad_signature', 'signature does not match the body');
  const age = now.getTime() / 1000 - Number(timestamp);
  if (age > maxAgeSeconds || age < -SENDGRID_TOLERANCE_SECONDS)
    throw new WebhookRejected(
      'stale_timestamp',
      `signed ${timestamp}, outside -${maxAgeSeconds} s / +${SENDGRID_TOLERANCE_SECONDS} s of now`,
    );
}

/** SendGrid's event names to ours; events not listed (group_resubscribe, account events) are skipped. */
const STATUS: Record<string, DeliveryStatusEvent['status']> = {
  processed: 'queued',
  // A temporary refusal SendGrid keeps retrying (up to 72 h): not final, so the lowest rank.
  deferred: 'queued',
  delivered: 'delivered',
  bounce: 'bounced',
  dropped: 'dropped',
  open: 'opened',
  click: 'clicked',
  spamreport: 'spam_report',
  unsubscribe: 'unsubscribed',
  group_unsubscribe: 'unsubscribed',
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** Why it failed, from what each event carries: bounce `type` (bounce/blocked) and `reason`, drop `reason`, deferral `response`. */
function reasonOf(event: Record<string, unknown>): string | undefined {
  if (!['bounce', 'dropped', 'deferred'].includes(String(event.event))) return undefined;
  const parts = [text(event.type), text(event.reason) ?? text(event.response)].filter((p) => p !== undefined);
  return parts.length ? parts.join(': ').slice(0, 500) : undefined;
}

/**
 * SendGrid's Event Webhook (scheme `sendgrid`): a JSON array of events, signed with the
 * account's ECDSA key (Signed Event Webhook). Verification goes through the official
 * @sendgrid/eventwebhook package over the raw body. Each event names its message by
 * `sg_message_id`, whose part before the first `.` is the X-Message-Id Mail Send returned, and
 * carries our custom args (`effect_key`) as top-level keys; `sg_event_id` is the dedupe id.
 */
export const sendgridEventsScheme: WebhookScheme = {
  id: 'sendgrid',
  verify(request, publicKey, now) {
    verifySendgridSignature(request, publicKey, now, (key, signature, timestamp) => {
      const webhook = new EventWebhook();
      return webhook.verifySignature(webhook.convertPublicKeyToECDSA(key), request.rawBody, signature, timestamp);
    });
  },
  parse(request) {
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new WebhookRejected('malformed', 'body is not JSON');
    }
    if (!Array.isArray(json)) throw new WebhookRejected('malformed', 'body must be a JSON array of events');
    const events: DeliveryStatusEvent[] = [];
    for (const item of json as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const event = item as Record<string, unknown>;
      const status = STATUS[String(event.event)];
      const messageId = text(event.sg_message_id)?.split('.')[0];
      const effectKey = text(event.effect_key);
      // Nothing to attach it to (an account event, a message sent outside Arrears): skip it
      // rather than refuse the batch, which would make SendGrid retry the good events too.
      if (!status || (!messageId && !effectKey)) continue;
      const reason = reasonOf(event);
      const at = typeof event.timestamp === 'number' ? new Date(event.timestamp * 1000) : undefined;
      events.push({
        kind: 'delivery_status',
        // SendGrid's unique event id; without one, the event's own bytes identify it. An id too
        // long to be a key is hashed, not refused: the batch is signed by SendGrid, and any non-2xx
        // answer makes SendGrid retry the whole batch (good events included) for up to 24 hours,
        // to fail the same way each time. The hash dedupes a re-delivery as the id would.
        id: boundedId(
          text(event.sg_event_id) ??
            `sha256:${crypto.createHash('sha256').update(JSON.stringify(event)).digest('hex')}`,
        ),
        provider: 'sendgrid',
        provider_message_id: messageId ?? '',
        ...(effectKey ? { effect_key: effectKey } : {}),
        status,
        ...(reason ? { reason } : {}),
        ...(at && !Number.isNaN(at.getTime()) ? { occurred_at: at.toISOString() } : {}),
      });
    }
    return events;
  },
};
