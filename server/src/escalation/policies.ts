import crypto from 'node:crypto';
import { PolicyDocument } from '@arrears/shared';
import type { Trx } from '../db/database.ts';
import { BUILTIN_POLICIES, builtinPolicy, isBuiltin } from '../policy/builtin.ts';

export interface PinnedPolicy {
  id: string;
  version: number;
  document: PolicyDocument;
}

/**
 * Published versions already read, by org, id and version. A published version never changes
 * (the table refuses UPDATE and DELETE), so every evaluation of a pinned case need not read and
 * parse it again; the key carries the org, and the row was read under that org's RLS scope.
 */
const publishedByDatabase = new WeakMap<object, Map<string, PinnedPolicy>>();
const PUBLISHED_CACHE_SIZE = 512;

/** One cache per database handle (a test's or a bench's schema is a database of its own). */
function publishedCache(trx: Trx): Map<string, PinnedPolicy> {
  // A transaction gets its own client object; the config it was built from is the handle's.
  const client = trx.client.config as object;
  let cache = publishedByDatabase.get(client);
  if (!cache) publishedByDatabase.set(client, (cache = new Map()));
  return cache;
}

/**
 * The latest version of each policy as this transaction first read it. A lane of the runner
 * opens a case for every lease it evaluates; each first case pins the latest version, and one
 * read per policy per transaction is as current as one per case (the lane decides at one
 * instant). Publishing in the transaction forgets it.
 */
const latestInTransaction = new WeakMap<Trx, Map<string, PinnedPolicy>>();

/** A published version, from the built-ins or the org's own immutable `policies` rows. */
export async function loadPolicy(trx: Trx, orgId: string, id: string, version?: number): Promise<PinnedPolicy> {
  if (isBuiltin(id)) {
    // Built-ins live in code, every version ever shipped: a case pinned to an older one keeps it.
    const builtin = builtinPolicy(id, version);
    if (!builtin) throw new Error(`policy ${id}@${version} is not a built-in version`);
    return { id, version: builtin.version ?? 1, document: builtin };
  }
  const cacheKey = version === undefined ? undefined : `${orgId}\0${id}\0${version}`;
  const published = publishedCache(trx);
  const latestKey = `${orgId}\0${id}`;
  const cached = cacheKey === undefined ? latestInTransaction.get(trx)?.get(latestKey) : published.get(cacheKey);
  if (cached) return cached;
  const query = trx('policies').where({ org_id: orgId, id });
  const row = await (version === undefined ? query.orderBy('version', 'desc') : query.andWhere({ version })).first();
  if (!row) throw new Error(`policy ${id}${version === undefined ? '' : `@${version}`} is not published`);
  const pinned = { id, version: row.version as number, document: PolicyDocument.parse(row.document) };
  // Oldest entry out first: a bound, not an LRU; misses only cost the read they always did.
  if (published.size >= PUBLISHED_CACHE_SIZE) published.delete(published.keys().next().value!);
  published.set(`${orgId}\0${id}\0${pinned.version}`, pinned);
  if (version === undefined) {
    const latest = latestInTransaction.get(trx) ?? new Map<string, PinnedPolicy>();
    latestInTransaction.set(trx, latest.set(latestKey, pinned));
  }
  return pinned;
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
  latestInTransaction.get(trx)?.delete(`${orgId}\0${document.id}`);
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
