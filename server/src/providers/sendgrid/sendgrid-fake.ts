import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local contract fake of SendGrid's v3 Mail Send (`POST /v3/mail/send`), for tests and demos:
 * a real HTTP server on 127.0.0.1 that the real SDK talks to (credentials' `api_base_url`).
 * It answers as SendGrid documents: Bearer auth (401 with an `errors` array), the essential
 * body validation (personalizations, from, subject, content or template_id) with each error's
 * message and field, and 202 with an empty body and `X-Message-Id`. It records every request,
 * and the next answers can be scripted (a 400, a 429 with Retry-After / X-RateLimit-Reset, a
 * 5xx, or no answer at all, for a timeout).
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: unknown;
  status: number;
  /** The X-Message-Id of an accepted message. */
  message_id?: string;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (the client's timeout fires); the socket is closed when the fake stops. */
  hang?: boolean;
}

export interface SendgridFake {
  /** Base URL for `api_base_url`, e.g. http://127.0.0.1:40123 */
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Requests answered 202, in order. */
  accepted(): RecordedRequest[];
  /** Queues answers for the next Mail Send requests that pass authentication. */
  answerNext(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

type SgError = { message: string; field: string | null; help: string | null };

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';
const error = (message: string, field: string | null, anchor?: string): SgError => ({
  message,
  field,
  help: anchor ? `${HELP}#${anchor}` : null,
});

/** A 429 as SendGrid sends it (docs: "Rate Limits"), with either or both wait headers. */
export function rateLimited(wait: { retryAfterSeconds?: number; resetAt?: Date }): ScriptedAnswer {
  return {
    status: 429,
    headers: {
      'X-RateLimit-Limit': '600',
      'X-RateLimit-Remaining': '0',
      ...(wait.resetAt ? { 'X-RateLimit-Reset': String(Math.floor(wait.resetAt.getTime() / 1000)) } : {}),
      ...(wait.retryAfterSeconds !== undefined ? { 'Retry-After': String(wait.retryAfterSeconds) } : {}),
    },
    body: { errors: [{ field: null, message: 'too many requests' }] },
  };
}

/** A 400 naming one field, e.g. `('Does not contain a valid address.', 'personalizations.0.to.0.email')`. */
export function badRequest(message: string, field: string | null): ScriptedAnswer {
  return { status: 400, body: { errors: [error(message, field)] } };
}

// A pragmatic version of SendGrid's check: one @, no spaces, a dotted domain.
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The essentials of SendGrid's Mail Send validation, with its messages and field paths. */
export function validateMailSend(body: unknown): SgError[] {
  if (!isObject(body)) return [error('Bad Request', null)];
  const errors: SgError[] = [];
  const personalizations = body.personalizations;
  const templated = typeof body.template_id === 'string' && body.template_id !== '';
  if (!Array.isArray(personalizations) || personalizations.length === 0)
    errors.push(
      error(
        'The personalizations field is required and must have at least one personalization.',
        'personalizations',
        'personalizations-errors',
      ),
    );
  else {
    const seen = new Set<string>();
    personalizations.forEach((p: unknown, i) => {
      const to = isObject(p) ? p.to : undefined;
      if (!Array.isArray(to) || to.length === 0) {
        errors.push(
          error(
            'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
            `personalizations.${i}.to`,
            'message.personalizations.to',
          ),
        );
        return;
      }
      to.forEach((r: unknown, j) => {
        const address = isObject(r) && typeof r.email === 'string' ? r.email : '';
        if (!ADDRESS.test(address))
          errors.push(error('Does not contain a valid address.', `personalizations.${i}.to.${j}.email`));
        else if (seen.has(address.toLowerCase()))
          errors.push(
            error(
              `Each unique email address in the personalizations array should only be included once. You have included [${address}] more than once.`,
              'personalizations',
              'message.personalizations',
            ),
          );
        seen.add(address.toLowerCase());
      });
    });
    const subjects = personalizations.every((p: unknown) => isObject(p) && typeof p.subject === 'string');
    if (!templated && typeof body.subject !== 'string' && !subjects)
      errors.push(
        error(
          'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
          'subject',
          'message.subject',
        ),
      );
  }
  if (!isObject(body.from) || typeof body.from.email !== 'string')
    errors.push(
      error(
        'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.',
        'from',
        'message.from',
      ),
    );
  else if (!ADDRESS.test(body.from.email))
    errors.push(error('The from email does not contain a valid address.', 'from.email', 'message.from'));
  const content = body.content;
  if (!templated && (!Array.isArray(content) || content.length === 0))
    errors.push(
      error(
        'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
        'content',
        'message.content',
      ),
    );
  if (Array.isArray(content))
    content.forEach((c: unknown, i) => {
      if (!isObject(c) || typeof c.value !== 'string' || c.value === '')
        errors.push(
          error('The content value must be a string at least one character in length.', `content.${i}.value`),
        );
    });
  if (isObject(body.custom_args) && Object.values(body.custom_args).some((v) => typeof v !== 'string'))
    errors.push(error('Custom args must be strings.', 'custom_args', 'message.custom_args'));
  return errors;
}

/** SendGrid's message ids look like `Ua9Gk4BnQMqpIoUQcZ2oNg`: 16 random bytes, base64url. */
const messageId = () => crypto.randomBytes(16).toString('base64url');

export async function startSendgridFake(options: { apiKey?: string } = {}): Promise<SendgridFake> {
  const apiKey =
    options.apiKey ??
    `SG.fake-${crypto.randomBytes(6).toString('hex')}.${crypto.randomBytes(16).toString('base64url')}`;
  const requests: RecordedRequest[] = [];
  const script: ScriptedAnswer[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const record: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        status: 0,
      };
      requests.push(record);
      const answer = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        res.writeHead(status, payload === undefined ? headers : { 'Content-Type': 'application/json', ...headers });
        res.end(payload === undefined ? undefined : JSON.stringify(payload));
      };
      if (record.path !== '/v3/mail/send') return answer(404, { errors: [error('resource not found', null)] });
      if (record.method !== 'POST') return answer(405, { errors: [error('method not allowed', null)] });
      const auth = req.headers.authorization;
      if (!auth) return answer(401, { errors: [error('authorization required', null)] });
      if (auth !== `Bearer ${apiKey}`)
        return answer(401, {
          errors: [error('The provided authorization grant is invalid, expired, or revoked', null)],
        });
      const next = script.shift();
      if (next?.hang) {
        hanging.add(res);
        return;
      }
      if (next) return answer(next.status, next.body, next.headers);
      if (raw && body === undefined) return answer(400, { errors: [error('Bad Request', null)] });
      const errors = validateMailSend(body);
      if (errors.length) return answer(400, { errors });
      record.message_id = messageId();
      // 202 Accepted, empty body: queued for delivery, reported later through the Event Webhook.
      answer(202, undefined, { 'X-Message-Id': record.message_id });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    accepted: () => requests.filter((r) => r.status === 202),
    answerNext: (...answers) => void script.push(...answers),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
