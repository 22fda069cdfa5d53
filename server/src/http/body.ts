import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../errors.ts';

// Request bodies are JSON in UTF-8 (RFC 8259 8.1). body-parser's own JSON parser skips a body of
// any other type, which then reached the routes as a missing body (a misleading 400), knows
// UTF-8 by that one name, and decodes bytes that are not UTF-8 to U+FFFD, storing text nobody
// sent. So the body is read as bytes (size limit and content encodings as body-parser does them)
// and checked and decoded here.

/** Methods whose body a route reads; a stray non-JSON body on a GET is left unread, as it always was. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** `PATCH /v1/org/settings` is a JSON merge patch (RFC 7396), which has its own media type. */
const MERGE_PATCH = 'application/merge-patch+json';
const UTF8 = new Set(['utf-8', 'utf8']);

/** A body is present when it is announced (type-is's `hasBody`): a length, even 0, or chunks. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && !Number.isNaN(Number(length)));
}

/** The media type, lower-cased, and the charset parameter (unquoted, lower-cased) if any. */
function contentTypeOf(header: string | undefined): { media: string; charset?: string } {
  const [media = '', ...params] = (header ?? '').split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return { media: media.trim().toLowerCase(), ...(charset !== undefined ? { charset } : {}) };
}

/** Reads a JSON body into `req.body`: 415 for another type or charset, 400 for bytes that are not UTF-8 or JSON. */
export function jsonBody(limit: string): RequestHandler {
  const readBytes = express.raw({ type: () => true, limit });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    const { media, charset } = contentTypeOf(req.headers['content-type']);
    const accepted = media === 'application/json' || (req.method === 'PATCH' && media === MERGE_PATCH);
    if (!accepted) {
      if (!BODY_METHODS.has(req.method)) return next();
      const sent = media ? `Content-Type ${media}` : 'no Content-Type';
      const expected = req.method === 'PATCH' ? `application/json or ${MERGE_PATCH}` : 'application/json';
      return next(new AppError('unsupported_media_type', `Request body: ${sent}; send ${expected}`));
    }
    if (charset !== undefined && !UTF8.has(charset))
      return next(
        new AppError(
          'unsupported_media_type',
          `Request body: unsupported charset "${charset.toUpperCase()}"; send UTF-8`,
        ),
      );
    readBytes(req, res, (error?: unknown) => {
      if (error) return next(error);
      let text: string;
      try {
        text = decoder.decode(req.body as Buffer);
      } catch {
        return next(new AppError('invalid_request', 'Request body is not valid UTF-8'));
      }
      // As body-parser's strict mode: an empty body is `{}`, and only an object or array is JSON here.
      const first = /^[\t\n\r ]*(.?)/s.exec(text)![1];
      if (first === '') req.body = {};
      else {
        try {
          if (first !== '{' && first !== '[') throw new SyntaxError('not an object or array');
          req.body = JSON.parse(text);
        } catch {
          return next(new AppError('invalid_request', 'Request body is not valid JSON'));
        }
      }
      next();
    });
  };
}
