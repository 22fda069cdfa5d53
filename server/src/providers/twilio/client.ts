import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
// Type-only deep imports: the SDK's root types expose the class but not its option/response types.
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as http from 'twilio/lib/http/response.js';
import type { TwilioCredentials } from './credentials.ts';

/**
 * What one port call saw on the wire. The SDK's RestException keeps the status and Twilio's
 * error code but drops the response headers, and a 429's Retry-After lives in a header; the
 * request client fills this in so the error mapping can read it.
 */
export interface Exchange {
  /** Sent as I-Twilio-Idempotency-Token on a create request; a read (a status fetch) has none. */
  idempotencyToken?: string;
  response?: { status: number; headers: Record<string, unknown> };
}

// One client per org serves concurrent sends; each send's exchange travels with its own async
// context instead of a shared mutable field (a per-call field would be overwritten by the next).
const exchanges = new AsyncLocalStorage<Exchange>();

/**
 * The SDK's own RequestClient (axios, its agent, its form encoding, its Basic auth), passed as
 * the documented `httpClient` option. It adds the idempotency header, records the response
 * status and headers, and — only when `api_base_url` is configured — sends the request to that
 * origin instead of api.twilio.com (the SDK has no base-URL option; `edge`/`region` only pick
 * among Twilio's own hosts).
 */
class ArrearsRequestClient extends twilio.RequestClient {
  readonly #base: URL | undefined;

  constructor(base: string | undefined, timeoutMs: number | undefined) {
    // keepAlive off: a fresh connection per send costs a handshake but never reuses a socket the
    // server already closed, which would surface as a reset with the outcome unknown.
    super({ timeout: timeoutMs, keepAlive: false, autoRetry: false });
    this.#base = base === undefined ? undefined : new URL(base);
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<http.default<TData>> {
    const exchange = exchanges.getStore();
    const headers = { ...opts.headers };
    if (exchange?.idempotencyToken) headers['I-Twilio-Idempotency-Token'] = exchange.idempotencyToken;
    const response = await super.request<TData>({ ...opts, uri: this.#rebase(opts.uri), headers });
    if (exchange) exchange.response = { status: response.statusCode, headers: { ...response.headers } };
    return response;
  }

  #rebase(uri: string): string {
    if (!this.#base) return uri;
    const target = new URL(uri);
    const prefix = this.#base.pathname.replace(/\/+$/, '');
    return `${this.#base.origin}${prefix}${target.pathname}${target.search}`;
  }
}

export type TwilioClient = ReturnType<typeof twilio>;

export function twilioClient(credentials: TwilioCredentials, timeoutMs?: number): TwilioClient {
  return twilio(credentials.account_sid, credentials.auth_token, {
    httpClient: new ArrearsRequestClient(credentials.api_base_url, timeoutMs),
    // Explicit, so TWILIO_LOG_LEVEL=debug in the environment cannot make the SDK print requests.
    logLevel: 'warn',
    autoRetry: false,
  });
}

/** Runs one SDK call with its own exchange record. */
export async function withExchange<T>(
  idempotencyToken: string | undefined,
  call: () => Promise<T>,
): Promise<{ exchange: Exchange; result: T } | { exchange: Exchange; error: unknown }> {
  const exchange: Exchange = idempotencyToken === undefined ? {} : { idempotencyToken };
  try {
    return { exchange, result: await exchanges.run(exchange, call) };
  } catch (error) {
    return { exchange, error };
  }
}
