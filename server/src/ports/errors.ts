/**
 * How a provider call failed, by what the runner should do about it: wait and retry
 * (`rate_limited` honours the provider's Retry-After), back off and retry (`unavailable`), stop
 * and alert an admin (`auth`), or give up on this channel for this message (`rejected`,
 * `invalid_recipient`: the policy's next channel takes over).
 */
export type ProviderErrorKind = 'rate_limited' | 'unavailable' | 'auth' | 'rejected' | 'invalid_recipient';

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  /** From a 429's Retry-After (seconds), when the provider sent one. */
  readonly retryAfterSeconds: number | undefined;
  /** The provider's own status and error code, for the audit trail and the dead-letter view. */
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(
    provider: string,
    kind: ProviderErrorKind,
    message: string,
    details: { retryAfterSeconds?: number; status?: number; code?: string } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.status = details.status;
    this.code = details.code;
  }
}

/** Retrying helps only for these; the rest fail the same way every time. */
export function isRetryable(kind: ProviderErrorKind): boolean {
  return kind === 'rate_limited' || kind === 'unavailable';
}

/** Maps an HTTP status to a kind; providers refine it with their own error codes. */
export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500 || status === 408) return 'unavailable';
  return 'rejected';
}

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
