import crypto from 'node:crypto';
import type { Database } from '../db/database.ts';

export interface IssuedApiKey {
  id: string;
  /** Shown once, never stored: only its SHA-256 is kept. */
  key: string;
}

const KEY_PATTERN = /^ark_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function sha256(value: string): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}

/** Issues a key for machine callers: `ark_<public id>_<secret>`. */
export async function issueApiKey(db: Database, orgId: string, name: string, now: Date): Promise<IssuedApiKey> {
  const id = crypto.randomBytes(8).toString('hex').slice(0, 12);
  const secret = crypto.randomBytes(32).toString('base64url');
  await db.withOrg(orgId, (trx) =>
    trx('api_keys').insert({ id, org_id: orgId, name, secret_sha256: sha256(secret), created_at: now }),
  );
  return { id, key: `ark_${id}_${secret}` };
}

/**
 * Finds the org a presented key belongs to. This is the one lookup that runs before an org is
 * known, so it reads as the owner role (outside row-level security) and only by the key's
 * public id; the secret is compared as a SHA-256 in constant time.
 */
export async function resolveApiKey(db: Database, presented: string): Promise<{ orgId: string; keyId: string } | null> {
  const match = KEY_PATTERN.exec(presented);
  // Hash even for malformed keys so the response time does not reveal the format check.
  const presentedHash = sha256(match?.[2] ?? presented);
  if (!match) return null;
  const row = await db
    .knex('api_keys')
    .where({ id: match[1] })
    .whereNull('revoked_at')
    .first('org_id', 'secret_sha256');
  if (!row) return null;
  const stored: Buffer = row.secret_sha256;
  if (stored.length !== presentedHash.length || !crypto.timingSafeEqual(stored, presentedHash)) return null;
  return { orgId: row.org_id, keyId: match[1]! };
}
