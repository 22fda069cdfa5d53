import crypto from 'node:crypto';
import {
  WebhookRejected,
  type DeliveryStatusEvent,
  type InboundEvent,
  type SignedRequest,
  type WebhookScheme,
} from '../scheme.ts';

/**
 * Twilio's webhooks: inbound SMS on the number's (or Messaging Service's) messaging URL, and the
 * status callbacks of the messages and calls Arrears creates (providers/twilio/ports.ts), all
 * on `POST /webhooks/twilio/<org>`, form-encoded, signed with the account's auth token:
 *
 *   X-Twilio-Signature = base64(HMAC-SHA1(auth_token, <full URL> + <name><value>… sorted by name))
 *
 * The full URL includes the query string, so the `effect` parameter Arrears puts on its
 * callback URLs is authenticated. Twilio signs no timestamp, so there is no replay window to
 * check: a replayed request is exactly a re-delivery, which the ingress dedupes on the event id
 * (MessageSid, or sid:status for reports), and changes nothing.
 */

const SIGNATURE_LENGTH = 28; // base64 of a 20-byte SHA-1 digest

function formOf(rawBody: Buffer): Map<string, string[]> {
  const form = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    form.set(name, [...(form.get(name) ?? []), value]);
  }
  return form;
}

/**
 * The string Twilio signs. A repeated name contributes each distinct value in sorted order, as
 * the SDK's validator computes it. Names sort by UTF-16 code units (JavaScript's default sort),
 * also as the SDK does.
 */
function signedString(url: string, form: Map<string, string[]>): string {
  let data = url;
  for (const name of [...form.keys()].sort()) {
    for (const value of [...new Set(form.get(name))].sort()) data += name + value;
  }
  return data;
}

/** `scheme://[userinfo@]host[:port]` at the start of a URL, split without normalising it. */
const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;

/**
 * Twilio's known port quirk: whether the signed URL carried the default port (`:443`) depends
 * on how the URL was configured and on Twilio's side, so the SDK's validateRequest accepts the
 * URL as received, without its port, and with the scheme's default port. So do we. (The SDK
 * also tries `new URL()`-normalised spellings; our callback URLs are percent-encoded when
 * created, so the raw request path is already the string Twilio signed.)
 */
export function candidateUrls(url: string): string[] {
  const match = AUTHORITY.exec(url);
  if (!match) return [url];
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  const userInfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  // In an IPv6 literal the port's colon comes after the closing bracket.
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  const withoutPort = `${scheme}${userInfo}${host}${rest}`;
  const withPort = colon === -1 ? `${scheme}${userInfo}${host}${defaultPort}${rest}` : url;
  return [...new Set([url, withoutPort, withPort])];
}

const one = (form: Map<string, string[]>, name: string) => form.get(name)?.[0];
const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

function sid(form: Map<string, string[]>, ...names: string[]): string {
  for (const name of names) {
    const value = one(form, name);
    if (value !== undefined) {
      if (!SID.test(value)) throw new WebhookRejected('malformed', `${name} is not a Twilio sid`);
      return value;
    }
  }
  throw new WebhookRejected('malformed', `${names.join(' or ')} is missing`);
}

/** Messaging statuses Twilio reports, in our vocabulary; anything else is refused as malformed. */
const MESSAGE_STATUS: Record<string, DeliveryStatusEvent['status']> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'opened',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/** Call statuses that do not depend on who answered. */
const CALL_STATUS: Record<string, DeliveryStatusEvent['status']> = {
  queued: 'queued',
  initiated: 'queued',
  ringing: 'queued',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'failed',
};

function effectKey(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('effect') ?? undefined;
  } catch {
    return undefined;
  }
}

function callEvent(request: SignedRequest, form: Map<string, string[]>): DeliveryStatusEvent {
  const callSid = sid(form, 'CallSid');
  const raw = one(form, 'CallStatus');
  if (!raw) throw new WebhookRejected('malformed', 'CallStatus is missing');
  const answeredBy = one(form, 'AnsweredBy') ?? '';
  let status = CALL_STATUS[raw];
  if (raw === 'in-progress' || raw === 'completed')
    // With MachineDetection=DetectMessageEnd Twilio says who picked up: machine_end_beep,
    // machine_end_silence, machine_end_other (the message went on the voicemail), human or
    // unknown (someone heard it), fax (nobody did).
    status = answeredBy.startsWith('machine') ? 'voicemail' : answeredBy === 'fax' ? 'failed' : 'answered';
  if (!status) throw new WebhookRejected('malformed', `unknown CallStatus ${raw}`);
  const at = Date.parse(one(form, 'Timestamp') ?? '');
  const reason = one(form, 'ErrorCode') || (status === 'answered' ? undefined : answeredBy || undefined);
  return {
    kind: 'delivery_status',
    id: `${callSid}:${raw}`,
    provider: 'twilio',
    provider_message_id: callSid,
    ...(effectKey(request.url) ? { effect_key: effectKey(request.url) } : {}),
    status,
    ...(reason ? { reason } : {}),
    ...(Number.isNaN(at) ? {} : { occurred_at: new Date(at).toISOString() }),
  };
}

function messageEvent(request: SignedRequest, form: Map<string, string[]>, raw: string): DeliveryStatusEvent {
  const messageSid = sid(form, 'MessageSid', 'SmsSid');
  const status = MESSAGE_STATUS[raw];
  if (!status) throw new WebhookRejected('malformed', `unknown MessageStatus ${raw}`);
  const reason = one(form, 'ErrorCode');
  return {
    kind: 'delivery_status',
    id: `${messageSid}:${raw}`,
    provider: 'twilio',
    provider_message_id: messageSid,
    ...(effectKey(request.url) ? { effect_key: effectKey(request.url) } : {}),
    status,
    ...(reason ? { reason } : {}),
  };
}

export const twilioScheme: WebhookScheme = {
  id: 'twilio',
  // Twilio reads the answer to an inbound SMS as TwiML: an empty <Response/> sends no reply
  // (confirmations go out through the port, once, after processing). Status callbacks ignore it.
  acknowledgement: { contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' },
  verify(request, secret) {
    if (!secret) throw new WebhookRejected('missing_secret', 'no Twilio auth token is configured for this org');
    const header = request.headers['x-twilio-signature'];
    if (!header) throw new WebhookRejected('missing_signature', 'X-Twilio-Signature is missing');
    const given = Buffer.from(header, 'utf8');
    const form = formOf(request.rawBody);
    // The length of a valid signature is public, so refusing other lengths leaks nothing.
    const valid =
      given.length === SIGNATURE_LENGTH &&
      candidateUrls(request.url).some((url) =>
        crypto.timingSafeEqual(
          given,
          Buffer.from(crypto.createHmac('sha1', secret).update(signedString(url, form), 'utf8').digest('base64')),
        ),
      );
    if (!valid) throw new WebhookRejected('bad_signature', 'X-Twilio-Signature does not match the URL and parameters');
  },
  parse(request): InboundEvent[] {
    const form = formOf(request.rawBody);
    if (form.has('CallSid')) return [callEvent(request, form)];
    const status = one(form, 'MessageStatus');
    // An inbound message's own status is `received` (sent as SmsStatus); a report has MessageStatus.
    if (status !== undefined && status !== 'received') return [messageEvent(request, form, status)];
    const from = one(form, 'From');
    const to = one(form, 'To');
    const body = one(form, 'Body');
    if (from && to && body !== undefined)
      return [
        {
          kind: 'inbound_message',
          id: sid(form, 'MessageSid', 'SmsSid'),
          provider: 'twilio',
          channel: 'sms',
          from,
          to,
          body,
        },
      ];
    throw new WebhookRejected('malformed', 'neither an inbound message nor a message or call status callback');
  },
};
