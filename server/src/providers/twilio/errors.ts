import { kindOfStatus, parseRetryAfter, ProviderError, type ProviderErrorKind } from '../../ports/index.ts';
import type { Exchange } from './client.ts';

/**
 * Twilio error codes (https://www.twilio.com/docs/api/errors) that mean this number cannot be
 * reached on this channel: retrying is pointless, the policy's next channel takes over.
 * 21211 invalid 'To' number (messaging and voice), 21614 'To' is not a mobile number, 21217
 * phone number does not appear to be valid, 21612 the To/From pair cannot be connected,
 * 13224 Twilio does not support calling this number or it is invalid. Twilio keeps splitting
 * these into finer codes (its 2024 changelog); an unlisted 4xx is `rejected`, which the runner
 * treats the same way (next channel), so a missing code costs only precision in the audit.
 */
const INVALID_RECIPIENT = new Set([21211, 21217, 21612, 21614, 13224]);
/** The recipient texted STOP to this sender: Twilio refuses until they text START. */
export const UNSUBSCRIBED = 21610;
/** Twilio's "Authenticate" error, sent with 401 (and on some endpoints 403). */
const AUTHENTICATION = 20003;
const TOO_MANY_REQUESTS = 20429;

/** Long provider messages are cut: they land in the audit trail and the dead-letter view. */
const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 297)}...` : text);

/**
 * Maps what an SDK call threw to the runner's vocabulary (ports/errors.ts). Only Twilio's
 * status, code and message go into the error, never the request: the SDK's transport errors
 * carry the request configuration, Authorization header included, so they are never rethrown
 * or attached as a cause.
 *
 * Returns a plain Error (not a ProviderError) when the request left and no answer came back:
 * Twilio may have accepted the message, and the runner then marks the effect `unconfirmed`
 * instead of sending it a second time (escalation/send.ts).
 */
export function providerErrorOf(error: unknown, exchange: Exchange, now: Date): Error {
  if (error instanceof ProviderError) return error;
  const e = (error ?? {}) as Record<string, unknown>;
  if (typeof e.status === 'number') {
    // RestException (legacy {code, message, more_info, status}) or TwilioServiceException (RFC 9457).
    const status = e.status;
    const code = typeof e.code === 'number' && e.code > 0 ? e.code : undefined;
    const text = String(e.message ?? e.title ?? e.detail ?? `HTTP ${status}`);
    const kind = kindOf(status, code);
    const retryAfter = kind === 'rate_limited' ? parseRetryAfter(header(exchange, 'retry-after'), now) : undefined;
    return new ProviderError('twilio', kind, clip(`Twilio ${status}${code ? ` (${code})` : ''}: ${text}`), {
      status,
      ...(code ? { code: String(code) } : {}),
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  if (e.isAxiosError !== true) {
    // Thrown by the SDK before any request (a missing parameter): nothing was sent.
    return new ProviderError('twilio', 'unavailable', clip(`Twilio request not sent: ${String(e.message ?? error)}`));
  }
  const transport = typeof e.code === 'string' ? e.code : 'unknown';
  const request = e.request as { writableFinished?: boolean } | undefined;
  if (request?.writableFinished) {
    // The whole request was handed to the network (a timeout or a reset while waiting for the
    // answer): Twilio may have created the message, so this is not an outage to retry.
    return new Error(`Twilio did not answer (${transport}); the message may have been accepted`);
  }
  // Refused, unresolvable or reset before the request was written: nothing reached Twilio.
  return new ProviderError('twilio', 'unavailable', `Twilio unreachable (${transport})`, { code: transport });
}

function kindOf(status: number, code: number | undefined): ProviderErrorKind {
  if (status === 429 || code === TOO_MANY_REQUESTS) return 'rate_limited';
  if (status === 401 || status === 403 || code === AUTHENTICATION) return 'auth';
  if (code !== undefined && INVALID_RECIPIENT.has(code)) return 'invalid_recipient';
  // An opt-out at Twilio is a refusal of this message, not a bad number: `rejected` with the
  // code, so the audit trail and the next-channel reason say 21610.
  if (code === UNSUBSCRIBED) return 'rejected';
  return kindOfStatus(status);
}

function header(exchange: Exchange, name: string): string | undefined {
  const value = exchange.response?.headers[name];
  return typeof value === 'string' ? value : undefined;
}
