import crypto from 'node:crypto';
import { z } from 'zod';

/**
 * An ECDSA P-256 public key as SendGrid shows it: base64 of the DER SubjectPublicKeyInfo (the
 * Event Webhook settings page, and `policy.signature.public_key` of an Inbound Parse security
 * policy), or the same wrapped in PEM armour. Returns undefined for anything else.
 */
export function sendgridPublicKey(value: string): crypto.KeyObject | undefined {
  const text = value.trim();
  try {
    const key = text.includes('-----BEGIN')
      ? crypto.createPublicKey(text)
      : crypto.createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
  } catch {
    return undefined;
  }
}

const PublicKey = z
  .string()
  .refine((value) => sendgridPublicKey(value) !== undefined, 'expected the ECDSA P-256 public key SendGrid shows');

const Address = z.object({ email: z.email(), name: z.string().min(1).max(200).optional() });

/**
 * An org's SendGrid account, as `arrears provider set sendgrid FILE` stores it (sealed). Zod
 * reports paths and rules, never the values, so a rejected file does not echo its secrets.
 */
export const SendgridCredentials = z.object({
  /** A v3 API key with Mail Send permission. */
  api_key: z.string().regex(/^SG\.[\w-]+\.[\w-]+$/, 'expected a SendGrid API key (SG.…)'),
  /** A verified sender (single sender or on an authenticated domain); SendGrid refuses others. */
  from: Address,
  /** Where tenants' replies go: an address on the org's Inbound Parse host, so replies come back. */
  reply_to: Address.optional(),
  /** Our template names (`late-email`, …) to SendGrid dynamic template ids; unmapped ones go as plain text. */
  templates: z
    .record(z.string().min(1), z.string().regex(/^d-[0-9a-zA-Z]+$/, 'expected a dynamic template id d-…'))
    .optional(),
  /** Mail Settings → Event Webhook → signature verification: verifies bounces, deliveries, opens, … */
  event_webhook_public_key: PublicKey,
  /**
   * `policy.signature.public_key` of the Inbound Parse security policy (signature enabled) that is
   * attached to the org's Parse host; without it replies by email are refused (missing_secret).
   */
  inbound_parse_public_key: PublicKey.optional(),
  /** Only to point the SDK at a local contract fake (tests, demos); production uses SendGrid's host. */
  api_base_url: z.url({ protocol: /^https?$/ }).optional(),
});
export type SendgridCredentials = z.infer<typeof SendgridCredentials>;

/** Parses stored credentials; the error lists `path: rule` for each problem and no value. */
export function parseSendgridCredentials(value: unknown): SendgridCredentials {
  const parsed = SendgridCredentials.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`invalid sendgrid credentials: ${problems.join('; ')}`);
}
