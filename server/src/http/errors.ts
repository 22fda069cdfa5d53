import type { ErrorCode } from '@arrears/shared';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { issuePath } from '../ledger/validate.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** Parses a request part with a zod schema; failures list every problem with its path. */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => {
    const path = `${where}.${issuePath(issue.path)}`.replace(/\.\(root\)$/, '');
    return { path, message: issue.message };
  });
  throw new AppError(
    'invalid_request',
    `Invalid request ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  );
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
    // body-parser errors carry a status and a type.
    const status = (error as { status?: number }).status;
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'payload_too_large', message: 'Request body too large' } });
      return;
    }
    if (status === 400 && type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'invalid_request', message: 'Request body is not valid JSON' } });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
  };
}
