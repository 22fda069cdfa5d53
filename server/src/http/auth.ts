import type { RequestHandler } from 'express';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { resolveApiKey } from '../orgs/api-keys.ts';

export interface AuthContext {
  orgId: string;
  /** Recorded as the actor in the audit trail. */
  actor: string;
}

/** Machine callers authenticate with `Authorization: Bearer ark_…`; the key decides the org. */
export function requireApiKey(db: Database): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    // Auth schemes are case-insensitive (RFC 7235 2.1): `bearer` and `BEARER` are Bearer.
    const presented = /^bearer[ \t]+(.*)$/i.exec(header)?.[1]?.trim() ?? '';
    if (!presented) throw new AppError('unauthenticated', 'Missing API key: send "Authorization: Bearer <key>"');
    const resolved = await resolveApiKey(db, presented);
    if (!resolved) throw new AppError('unauthenticated', 'Invalid or revoked API key');
    const auth: AuthContext = { orgId: resolved.orgId, actor: `api-key:${resolved.keyId}` };
    res.locals.auth = auth;
    next();
  };
}

export function authOf(locals: Record<string, unknown>): AuthContext {
  return locals.auth as AuthContext;
}
