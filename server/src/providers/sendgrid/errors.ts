import { kindOfStatus, parseRetryAfter, ProviderError } from '../../ports/index.ts';

/** One entry of SendGrid's error body: `{"errors": [{"message", "field", "help"}]}`. */
interface SendgridErrorEntry {
  message?: unknown;
  field?: unknown;
}

/** The SDK's ResponseError (a non-2xx answer) and axios' transport error, as far as we read them. */
interface SdkFailure {
  code?: unknown;
  response?: { headers?: Record<string, unknown>; body?: unknown };
  isAxiosError?: boolean;
  message?: unknown;
}

/**
 * Transport failures where the request provably never reached SendGrid (no connection was made),
 * so retrying cannot send the email twice. A timeout or a reset after connecting is different:
 * SendGrid may have accepted the message, and it has no idempotency key to dedupe a retry.
 */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** `personalizations.0.to.1.email` and the like: SendGrid's pointer at a recipient address. */
const RECIPIENT_FIELD = /^personalizations\.\d+\.(to|cc|bcc)(\.\d+(\.email)?)?$/;

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

function entries(body: unknown): { message: string; field: string | undefined }[] {
  const list = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(list)) return [];
  return (list as SendgridErrorEntry[]).map((e) => ({
    message: typeof e?.message === 'string' ? e.message : 'unknown error',
    field: typeof e?.field === 'string' ? e.field : undefined,
  }));
}

/**
 * Seconds to wait after a 429: Retry-After when present, else X-RateLimit-Reset, which SendGrid
 * documents as the epoch second the refresh period ends (docs: "Rate Limits", v3 API).
 */
export function retryAfterOf(headers: Record<string, unknown> | undefined, now: Date): number | undefined {
  const retryAfter = parseRetryAfter(header(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, Math.ceil(reset - now.getTime() / 1000));
}

/**
 * The outcome is unknown (the call may or may not have reached SendGrid): not a ProviderError,
 * so the runner marks the effect `unconfirmed` for an agent rather than sending it again.
 */
export class SendgridOutcomeUnknown extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SendgridOutcomeUnknown';
  }
}

/**
 * Maps whatever the SDK threw to what the runner should do. Only SendGrid's own error texts and
 * fields, the status and the transport code are kept: the SDK's error objects carry the request
 * configuration (the Authorization header with the API key), so they are never rethrown or
 * attached as a cause.
 */
export function sendgridFailure(error: unknown, now: Date): Error {
  const failure = (error ?? {}) as SdkFailure;
  if (typeof failure.code === 'number' && failure.response) {
    const status = failure.code;
    const errors = entries(failure.response.body);
    const detail = errors.map((e) => (e.field ? `${e.message} (${e.field})` : e.message)).join('; ');
    const message = `SendGrid answered ${status}${detail ? `: ${detail}` : ''}`;
    const field = errors.find((e) => e.field)?.field;
    let kind = kindOfStatus(status);
    // Only an error pointing at a recipient is the tenant's address; `from.email` or
    // `reply_to.email` is the org's configuration, which the next channel would not fix either.
    if (status === 400 && errors.some((e) => e.field !== undefined && RECIPIENT_FIELD.test(e.field)))
      kind = 'invalid_recipient';
    return new ProviderError('sendgrid', kind, message, {
      status,
      ...(field ? { code: field } : {}),
      ...(kind === 'rate_limited' ? { retryAfterSeconds: retryAfterOf(failure.response.headers, now) } : {}),
    });
  }
  if (failure.isAxiosError) {
    const code = typeof failure.code === 'string' ? failure.code : 'network error';
    if (NEVER_SENT.has(code))
      return new ProviderError('sendgrid', 'unavailable', `SendGrid unreachable (${code})`, { code });
    return new SendgridOutcomeUnknown(
      `SendGrid call interrupted (${code}); the email may or may not have been accepted`,
    );
  }
  // The SDK validates the mail before any request (a malformed address object, say): nothing
  // left, and the same message would fail the same way again.
  const text = typeof failure.message === 'string' ? failure.message : String(error);
  return new ProviderError('sendgrid', 'rejected', `SendGrid SDK refused the message: ${text}`);
}
