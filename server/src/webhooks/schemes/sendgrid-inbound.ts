import crypto from 'node:crypto';
import busboy from 'busboy';
import { sendgridPublicKey } from '../../providers/sendgrid/credentials.ts';
import { authenticateSender } from '../../providers/sendgrid/inbound-auth.ts';
import { stripQuotedReply, stripReplyPrefixes } from '../../providers/sendgrid/reply-text.ts';
import {
  boundedId,
  WebhookRejected,
  type InboundMessageEvent,
  type SignedRequest,
  type WebhookScheme,
} from '../scheme.ts';
import { SENDGRID_TOLERANCE_SECONDS, verifySendgridSignature } from './sendgrid-events.ts';

/**
 * SendGrid Inbound Parse (scheme `sendgrid-inbound`): a tenant's email reply, posted by SendGrid
 * as multipart/form-data (the default "parsed" format: `from`, `to`, `subject`, `text`, `html`,
 * `headers`, `envelope`, `charsets`, `SPF`, `dkim`, attachments as files).
 *
 * How it is secured: SendGrid's strongest documented option, an Inbound Parse *security policy*
 * with signature verification (POST /v3/user/webhooks/security/policies with
 * `{"signature": {"enabled": true}}`, attached to the Parse setting as `security_policy`). SendGrid
 * then signs each post like the Signed Event Webhook: ECDSA P-256 / SHA-256 over the timestamp
 * followed by the raw request body, in `X-Twilio-Email-Event-Webhook-Signature` (base64 DER) and
 * `X-Twilio-Email-Event-Webhook-Timestamp`, verified with the policy's `public_key`. A public-key
 * signature needs no shared-secret comparison at all (nothing secret is compared, so there is no
 * timing to leak), and unlike basic auth in the URL or a token in the query string nothing that
 * authenticates a post is ever sent over the wire or logged by a proxy. The OAuth option is not
 * used: checking its token means calling the org's OAuth server from the ingress.
 *
 * The signature says SendGrid posted it, not who wrote the email: each reply carries whether
 * its From domain is authenticated (`dkim` / `SPF` verdicts, providers/sendgrid/inbound-auth.ts),
 * and one that is not changes no consent and no hold (process.ts).
 *
 * The check is done with node:crypto over the raw bytes, not @sendgrid/eventwebhook: that
 * package turns the body into a UTF-8 string first, which corrupts binary attachment bytes and
 * fails genuine signatures.
 */

/**
 * How old an Inbound Parse signature may be: SendGrid retries a post that failed with a 5xx for
 * up to 3 days (docs: "Inbound Email Parse Webhook"), and does not document whether a retry is
 * signed anew. A tenant's STOP must survive an outage of ours, and a replay gains nothing: the
 * same bytes carry the same Message-ID (or hash), which the ingress stores once.
 */
export const INBOUND_MAX_AGE_SECONDS = 3 * 24 * 3600 + SENDGRID_TOLERANCE_SECONDS;

/** Larger text parts are truncated by the parser: a reply's first megabytes are plenty. */
const FIELD_LIMIT_BYTES = 8 * 1024 * 1024;

function verifyBytes(publicKey: string, signature: string, timestamp: string, body: Buffer): boolean {
  const key = sendgridPublicKey(publicKey);
  if (!key) return false;
  return crypto.verify('sha256', Buffer.concat([Buffer.from(timestamp), body]), key, Buffer.from(signature, 'base64'));
}

/**
 * The form's text fields, each decoded in the charset SendGrid names for it in `charsets`
 * (`{"text": "windows-1252", …}`). SendGrid's parts carry no charset of their own, so the parser
 * hands them over as latin1 (byte for byte) and they are decoded here. Attachments are skipped
 * unread: a reply's words are all Arrears acts on.
 */
export function parseInboundForm(contentType: string, body: Buffer): Map<string, string> {
  const raw = new Map<string, string>();
  let parser;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      defCharset: 'latin1',
      limits: { files: 0, fields: 200, parts: 1000, fieldSize: FIELD_LIMIT_BYTES },
    });
  } catch {
    throw new WebhookRejected('malformed', 'expected multipart/form-data with a boundary');
  }
  parser.on('field', (name, value) => void raw.set(name, value));
  // The parser reports malformed input asynchronously; what was parsed by then is judged below.
  parser.on('error', () => undefined);
  // Field events fire synchronously while the buffer is written (files are skipped, so nothing
  // waits on a stream being read): the whole body is parsed when end() returns.
  parser.end(body);
  let charsets: Record<string, unknown>;
  try {
    charsets = JSON.parse(raw.get('charsets') ?? '{}') as Record<string, unknown>;
  } catch {
    charsets = {};
  }
  const fields = new Map<string, string>();
  for (const [name, value] of raw) {
    const bytes = Buffer.from(value, 'latin1');
    const charset = typeof charsets[name] === 'string' ? (charsets[name] as string) : 'utf-8';
    let decoded: string;
    try {
      decoded = new TextDecoder(charset).decode(bytes);
    } catch {
      // A charset the platform does not know (cp850, say): UTF-8 with replacement characters.
      decoded = new TextDecoder('utf-8').decode(bytes);
    }
    fields.set(name, decoded);
  }
  return fields;
}

/** The value of one header in a raw header block (continuation lines unfolded), or undefined. */
export function headerValue(headers: string, name: string): string | undefined {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return match ? match[1]!.trim() : undefined;
}

/** `"Tenant, T1" <T1@tenant.test>` → `T1@tenant.test`; a bare address stays as it is. */
export function bareAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const angle = /<\s*([^<>\s]+@[^<>\s]+)\s*>/.exec(value);
  if (angle) return angle[1];
  const plain = /([^\s<>",;:()]+@[^\s<>",;:()]+\.[^\s<>",;:()]+)/.exec(value);
  return plain?.[1];
}

function envelopeOf(fields: Map<string, string>): { to?: unknown; from?: unknown } {
  try {
    const value = JSON.parse(fields.get('envelope') ?? '{}') as unknown;
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/** A rough text of an HTML-only reply, for classification: tags dropped, entities for spaces. */
function htmlText(html: string): string {
  return html
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

export const sendgridInboundScheme: WebhookScheme = {
  id: 'sendgrid-inbound',
  verify(request, publicKey, now) {
    verifySendgridSignature(
      request,
      publicKey,
      now,
      (key, signature, timestamp) => verifyBytes(key, signature, timestamp, request.rawBody),
      INBOUND_MAX_AGE_SECONDS,
    );
  },
  parse(request: SignedRequest): InboundMessageEvent[] {
    const fields = parseInboundForm(request.headers['content-type'] ?? '', request.rawBody);
    if (fields.has('email') && !fields.has('from'))
      throw new WebhookRejected(
        'malformed',
        'raw MIME posts are not supported: turn off "POST the raw, full MIME message" on the Parse setting',
      );
    const headers = fields.get('headers') ?? '';
    const envelope = envelopeOf(fields);
    const from = bareAddress(fields.get('from')) ?? bareAddress(headerValue(headers, 'from'));
    const envelopeFrom = typeof envelope.from === 'string' ? bareAddress(envelope.from) : undefined;
    const envelopeTo = Array.isArray(envelope.to) && typeof envelope.to[0] === 'string' ? envelope.to[0] : undefined;
    const sender = from ?? envelopeFrom;
    const to = bareAddress(envelopeTo) ?? bareAddress(fields.get('to'));
    if (!sender || !to) throw new WebhookRejected('malformed', 'the post names no sender or recipient address');
    const auth = authenticateSender(sender, envelopeFrom, {
      // SendGrid names them `dkim` and `SPF`; either spelling is read.
      dkim: fields.get('dkim') ?? fields.get('DKIM'),
      spf: fields.get('SPF') ?? fields.get('spf'),
    });
    const text = fields.get('text') ?? htmlText(fields.get('html') ?? '');
    const reply = stripQuotedReply(text);
    // A reply with nothing above the quote still says something in its subject ("Re: STOP").
    const body = reply || stripReplyPrefixes(fields.get('subject') ?? '') || text.trim();
    // A Message-ID has no length limit a sender must keep (folded headers run on), and one too
    // long to be a key is hashed: the same email posted again still dedupes on it.
    const messageId = headerValue(headers, 'message-id');
    const date = headerValue(headers, 'date');
    const at = date ? new Date(date) : undefined;
    return [
      {
        kind: 'inbound_message',
        // The Message-ID is the email's own identity (the same email posted twice is one reply);
        // without one, the post's bytes are.
        id: messageId
          ? boundedId(messageId)
          : `sha256:${crypto.createHash('sha256').update(request.rawBody).digest('hex')}`,
        provider: 'sendgrid',
        channel: 'email',
        from: sender,
        to,
        body: body.slice(0, 10_000),
        ...(at && !Number.isNaN(at.getTime()) ? { occurred_at: at.toISOString() } : {}),
        // SendGrid's signature proves SendGrid posted it, not who wrote it: anyone can email the
        // parse address with a tenant's From. Only an authenticated sender domain is acted on.
        sender_verified: auth.verified,
        sender_check: auth.check,
      },
    ];
  },
};
