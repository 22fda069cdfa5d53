import crypto from 'node:crypto';
import { LedgerSource } from '@arrears/shared';
import { z } from 'zod';
import { issuePath } from '../../ledger/validate.ts';
import {
  MAX_EVENT_ID_LENGTH,
  WebhookRejected,
  type InboundEvent,
  type SignedRequest,
  type WebhookScheme,
} from '../scheme.ts';

/** Signatures older or newer than this are replays (or a badly skewed clock): refused. */
export const TOLERANCE_SECONDS = 300;

const Body = z.object({
  // The ledger API's own rule: a short lower-case name, never `arrears` (Arrears' own postings).
  source: LedgerSource.default('accounting'),
  events: z.array(z.unknown()).min(1).max(10_000),
});

/**
 * The generic signed accounting webhook, for systems without a dedicated adapter:
 * `X-Arrears-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` and
 * `X-Arrears-Delivery: <unique id>` (the dedupe key). The body is `{source, events}` in the
 * ledger API's event format. The timestamp is inside the signed bytes, so it cannot be moved.
 */
export const accountingScheme: WebhookScheme = {
  id: 'accounting',
  deliveryIds: true,
  verify(request, secret, now) {
    if (!secret) throw new WebhookRejected('missing_secret', 'no webhook secret is configured for this org');
    const header = request.headers['x-arrears-signature'];
    if (!header) throw new WebhookRejected('missing_signature', 'X-Arrears-Signature is missing');
    const fields = new Map(
      header.split(',').map((part) => {
        const at = part.indexOf('=');
        return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
      }),
    );
    const t = fields.get('t');
    const v1 = fields.get('v1');
    if (!t || !v1)
      throw new WebhookRejected('missing_signature', 'X-Arrears-Signature must be t=<seconds>,v1=<hex sha256>');
    // Whole Unix seconds, as signed: the HMAC covers these exact digits, never a re-formatted number.
    if (!/^\d{1,12}$/.test(t))
      throw new WebhookRejected('bad_timestamp', 'X-Arrears-Signature t= must be whole Unix seconds');
    // Hex is case-insensitive (the digest's bytes are the same), so an upper-case digest is as good.
    if (!/^[0-9a-f]{64}$/i.test(v1))
      throw new WebhookRejected('bad_signature', 'X-Arrears-Signature v1= must be a hex SHA-256 digest');
    const expected = crypto.createHmac('sha256', secret).update(`${t}.`).update(request.rawBody).digest();
    // Constant time over equal-length digests: no early exit that leaks how much matched.
    if (!crypto.timingSafeEqual(expected, Buffer.from(v1, 'hex')))
      throw new WebhookRejected('bad_signature', 'signature does not match the body');
    if (Math.abs(now.getTime() / 1000 - Number(t)) > TOLERANCE_SECONDS)
      throw new WebhookRejected('stale_timestamp', `signed ${t}, outside ±${TOLERANCE_SECONDS} s of now`);
  },
  parse(request: SignedRequest): InboundEvent[] {
    const delivery = request.headers['x-arrears-delivery'];
    if (!delivery) throw new WebhookRejected('malformed', 'X-Arrears-Delivery (a unique delivery id) is missing');
    // The integrator chooses this id and reads our answers: a 400 tells them at once that their
    // ids are unusable, where hashing it would accept an id that the 409 and the logs cannot show.
    if (delivery.length > MAX_EVENT_ID_LENGTH) {
      const message = `must be at most ${MAX_EVENT_ID_LENGTH} characters (got ${delivery.length})`;
      throw new WebhookRejected('malformed', `X-Arrears-Delivery ${message}`, [
        { path: 'headers.x-arrears-delivery', message },
      ]);
    }
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new WebhookRejected('malformed', 'body is not JSON');
    }
    const body = Body.safeParse(json);
    if (!body.success) {
      const details = body.error.issues.map((issue) => ({
        path: `body.${issuePath(issue.path)}`.replace(/\.\(root\)$/, ''),
        message: issue.message,
      }));
      throw new WebhookRejected('malformed', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
    }
    return [{ kind: 'ledger_events', id: delivery, provider: 'accounting', ...body.data }];
  },
};

/** How a sender signs (used by tests and by integrators' own code). */
export function signAccountingWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
