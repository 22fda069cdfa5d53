import { NUL_MESSAGE, type ErrorCode } from '@arrears/shared';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { issuePath } from '../ledger/validate.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/**
 * Every path in `value` where a string (or a key) holds U+0000, which PostgreSQL text cannot
 * store: refused here with its path rather than failing the query. An array of `unknown` is a
 * batch of records the route validates one by one (the ledger's events, each rejected by its
 * row and field): it is left to the route.
 */
function nulPaths(schema: z.ZodType | undefined, value: unknown, path: PropertyKey[], out: PropertyKey[][]): void {
  while (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault
  )
    schema = schema.unwrap() as z.ZodType;
  if (schema instanceof z.ZodArray && schema.element instanceof z.ZodUnknown) return;
  if (typeof value === 'string') {
    if (value.includes('\0')) out.push(path);
  } else if (Array.isArray(value)) {
    const element = schema instanceof z.ZodArray ? (schema.element as z.ZodType) : undefined;
    value.forEach((item, i) => nulPaths(element, item, [...path, i], out));
  } else if (value !== null && typeof value === 'object') {
    const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\0')) out.push([...path, key]);
      else nulPaths(Object.hasOwn(shape, key) ? shape[key] : undefined, item, [...path, key], out);
    }
  }
}

/** Parses a request part with a zod schema; failures list every problem with its path. */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<T> {
  const pathOf = (path: readonly PropertyKey[]) => `${where}.${issuePath(path)}`.replace(/\.\(root\)$/, '');
  const found: PropertyKey[][] = [];
  nulPaths(schema, value, [], found);
  const parsed = schema.safeParse(value);
  if (parsed.success && found.length === 0) return parsed.data;
  const nul = found.map((path) => ({ path: pathOf(path), message: NUL_MESSAGE }));
  const details = [
    ...nul,
    ...(parsed.error?.issues ?? [])
      .map((issue) => ({ path: pathOf(issue.path), message: issue.message }))
      .filter((d) => !nul.some((n) => n.path === d.path)),
  ];
  throw new AppError(
    'invalid_request',
    `Invalid request ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  );
}

/** The codes for the 4xx statuses body parsing and routing produce (http-errors' `status`). */
const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  403: 'forbidden',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** What a client is told for express's and body-parser's own 4xx errors. */
function clientError(error: unknown): { status: number; code: ErrorCode; message: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const { status, type, expose } = error as { status?: unknown; type?: unknown; expose?: unknown };
  // The router's URIError for a malformed %-escape in a path parameter carries 400, no `expose`.
  if (error instanceof URIError && status === 400)
    return { status: 400, code: 'invalid_request', message: `Malformed URL: ${error.message}` };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  const code = CODE_OF_STATUS[status] ?? 'invalid_request';
  const message =
    type === 'entity.too.large'
      ? 'Request body too large'
      : type === 'entity.parse.failed'
        ? 'Request body is not valid JSON'
        : type === 'charset.unsupported'
          ? `Request body: ${error.message}; send UTF-8`
          : type === 'encoding.unsupported'
            ? `Request body: ${error.message}; send it uncompressed or as gzip, deflate or br`
            : `Request body could not be read: ${error.message}`;
  return { status: statusOf(code), code, message };
}

/** The one place an error becomes an HTTP response. Unknown errors are logged, never echoed. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof AppError) {
      res.status(statusOf(error.code)).json({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details.length ? { details: error.details } : {}),
        },
      });
      return;
    }
    const client = clientError(error);
    if (client) {
      res.status(client.status).json({ error: { code: client.code, message: client.message } });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
  };
}
