import crypto from 'node:crypto';

/**
 * The SendGrid side of its two webhooks, for tests and demos: a P-256 key pair like the one
 * SendGrid generates, signing exactly as SendGrid signs the Event Webhook and Inbound Parse
 * posts — ECDSA with SHA-256 over the timestamp's decimal digits followed by the raw body bytes,
 * the DER signature base64-encoded in `X-Twilio-Email-Event-Webhook-Signature`, the Unix seconds
 * in `X-Twilio-Email-Event-Webhook-Timestamp`. The public key is base64 DER (SubjectPublicKeyInfo),
 * the form SendGrid's UI and security-policy API show.
 */
export interface SendgridSigner {
  publicKey: string;
  headers(body: Buffer | string, at: Date): Record<string, string>;
}

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

export function sendgridSigner(): SendgridSigner {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    headers(body, at) {
      const timestamp = String(Math.floor(at.getTime() / 1000));
      const signed = Buffer.concat([Buffer.from(timestamp), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
      return {
        [SIGNATURE_HEADER]: crypto.sign('sha256', signed, privateKey).toString('base64'),
        [TIMESTAMP_HEADER]: timestamp,
      };
    },
  };
}

/** A message the fake accepted, as far as events need it. */
export interface SentMessage {
  message_id: string;
  email: string;
  custom_args?: Record<string, string>;
}

/**
 * One Event Webhook event as SendGrid posts it: custom args appear as top-level keys, and
 * `sg_message_id` is the X-Message-Id followed by a `.filter…` suffix per recipient.
 */
export function sendgridEvent(
  event: string,
  message: SentMessage,
  extra: Record<string, unknown> = {},
  at: Date = new Date(),
): Record<string, unknown> {
  return {
    email: message.email,
    timestamp: Math.floor(at.getTime() / 1000),
    'smtp-id': `<${message.message_id}@ismtpd0001p1las1.sendgrid.net>`,
    event,
    category: [],
    sg_event_id: crypto.randomBytes(16).toString('base64url'),
    sg_message_id: `${message.message_id}.filterdrecv-5bd8d9f8c5-7x2lm-1-65F1D2C3-4.0`,
    ...message.custom_args,
    ...extra,
  };
}

/**
 * A signed Event Webhook post: SendGrid's JSON array with one event per line (CRLF), so a
 * verifier that re-serialises the JSON instead of using the raw bytes fails.
 */
export function eventWebhookPost(
  signer: SendgridSigner,
  events: Record<string, unknown>[],
  at: Date,
): { body: string; headers: Record<string, string> } {
  const body = `[${events.map((e) => JSON.stringify(e)).join(',\r\n')}]\r\n`;
  return { body, headers: { 'content-type': 'application/json', ...signer.headers(body, at) } };
}

export interface InboundAttachment {
  filename: string;
  type: string;
  content: Buffer;
}

/**
 * A signed Inbound Parse post in its default (parsed, not raw MIME) format: multipart/form-data
 * with one part per field (`headers`, `from`, `to`, `subject`, `text`, `envelope`, `charsets`,
 * `SPF`, `dkim`, …) and one file part per attachment (`attachment1`, …).
 */
export function inboundParsePost(
  signer: SendgridSigner | undefined,
  fields: Record<string, string | Buffer>,
  at: Date,
  attachments: InboundAttachment[] = [],
): { body: Buffer; headers: Record<string, string> } {
  const boundary = `xYzZY${crypto.randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  const files = () =>
    attachments.forEach((a, i) => {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="attachment${i + 1}"; filename="${a.filename}"\r\nContent-Type: ${a.type}\r\n\r\n`,
        ),
        a.content,
        Buffer.from('\r\n'),
      );
    });
  for (const [name, value] of Object.entries(fields)) {
    // A string goes as UTF-8; a Buffer is a value already encoded in its `charsets` charset.
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`));
    parts.push(Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n'));
    // Files follow the `attachments` count, with more fields after them, as SendGrid posts them.
    if (name === 'attachments') files();
  }
  if (!('attachments' in fields)) files();
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  return {
    body,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(signer ? signer.headers(body, at) : {}),
    },
  };
}
