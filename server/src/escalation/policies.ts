import crypto from 'node:crypto';
import { PolicyDocument } from '@arrears/shared';
import type { Trx } from '../db/database.ts';
import { BUILTIN_POLICIES } from '../policy/builtin.ts';

export interface PinnedPolicy {
  id: string;
  version: number;
  document: PolicyDocument;
}

/** A published version, from the built-ins or the org's own immutable `policies` rows. */
export async function loadPolicy(trx: Trx, orgId: string, id: string, version?: number): Promise<PinnedPolicy> {
  const builtin = BUILTIN_POLICIES.get(id);
  if (builtin && (version === undefined || version === builtin.version))
    return { id, version: builtin.version ?? 1, document: builtin };
  const query = trx('policies').where({ org_id: orgId, id });
  const row = await (version === undefined ? query.orderBy('version', 'desc') : query.andWhere({ version })).first();
  if (!row) throw new Error(`policy ${id}${version === undefined ? '' : `@${version}`} is not published`);
  return { id, version: row.version, document: PolicyDocument.parse(row.document) };
}

/** Publishes a new immutable version; the same document twice is a no-op returning the existing version. */
export async function publishPolicy(
  trx: Trx,
  orgId: string,
  document: PolicyDocument,
  by: string,
  now: Date,
): Promise<{ version: number; created: boolean }> {
  if (BUILTIN_POLICIES.has(document.id)) throw new Error(`${document.id} is a built-in policy id; choose another id`);
  const { version: _ignored, ...content } = document;
  const sha256 = crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex');
  const latest = await trx('policies').where({ org_id: orgId, id: document.id }).orderBy('version', 'desc').first();
  if (latest && latest.sha256 === sha256) return { version: latest.version, created: false };
  const version = (latest?.version ?? 0) + 1;
  await trx('policies').insert({
    org_id: orgId,
    id: document.id,
    version,
    document: JSON.stringify({ ...content, version }),
    sha256,
    published_by: by,
    published_at: now,
  });
  return { version, created: true };
}
