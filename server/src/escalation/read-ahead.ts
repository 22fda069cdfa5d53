import type { Trx } from '../db/database.ts';
import { loadLeaseContexts, refreshLeaseContexts, type LeaseContext } from './facts.ts';

/**
 * What a batch of dispatches in one transaction reads up front (the runner's lanes, the effects
 * an evaluation lane made due): their effect rows, locked, in one statement, and their leases'
 * contexts (contact cards included) in one more, instead of two statements per effect. A row
 * and a context are each good for ONE use at the instant they were read at:
 * a second effect of the same lease in the batch reads afresh, so it sees what the first wrote.
 */
interface Ahead {
  now: number;
  rows: Map<string, Record<string, unknown>>;
  contexts: Map<string, LeaseContext>;
}

const ahead = new WeakMap<Trx, Ahead>();

/**
 * Locks and reads the scheduled effects `keys` (of `orgId`, in key order, skipping rows another
 * dispatch holds: that one is sending it) with everything their dispatch needs at `now`.
 */
export async function readAheadDispatches(
  trx: Trx,
  orgId: string,
  keys: readonly string[],
  now: Date,
  /**
   * Contexts of these leases just evaluated at `now` in this transaction, nothing else written
   * for them since (an evaluation lane's own effects): only what the evaluation wrote is read.
   */
  evaluated?: ReadonlyMap<string, LeaseContext>,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = await trx('effects')
    .where({ org_id: orgId })
    .whereIn('key', [...keys])
    .orderBy('key')
    .forUpdate()
    .skipLocked()
    .select('*');
  const leases = [...new Set(rows.map((row) => row.lease_id as string))].sort();
  const contexts = new Map<string, LeaseContext>();
  if (evaluated) {
    const mine = new Map(leases.flatMap((id) => (evaluated.has(id) ? [[id, evaluated.get(id)!] as const] : [])));
    for (const [id, context] of await refreshLeaseContexts(trx, orgId, mine)) contexts.set(id, context);
  }
  const unread = leases.filter((id) => !contexts.has(id));
  if (unread.length > 0)
    for (const [id, context] of await loadLeaseContexts(trx, orgId, unread, now)) contexts.set(id, context);
  ahead.set(trx, { now: now.getTime(), rows: new Map(rows.map((row) => [row.key as string, row])), contexts });
  return rows;
}

/** The effect row read (and locked) ahead for `key` at `now`, once; undefined: read it. */
export function takeAheadRow(trx: Trx, key: string, now: Date): Record<string, unknown> | undefined {
  const batch = current(trx, now);
  const row = batch?.rows.get(key);
  batch?.rows.delete(key);
  return row;
}

/** Drops a row read ahead that this transaction has since changed (a consolidated reminder). */
export function forgetAheadRow(trx: Trx, key: string): void {
  ahead.get(trx)?.rows.delete(key);
}

/** The context read ahead for `leaseId` at `now`, once; undefined when there is none (read it). */
export function takeReadAhead(trx: Trx, leaseId: string, now: Date): LeaseContext | undefined {
  const batch = current(trx, now);
  const context = batch?.contexts.get(leaseId);
  batch?.contexts.delete(leaseId);
  return context;
}

function current(trx: Trx, now: Date): Ahead | undefined {
  const batch = ahead.get(trx);
  return batch && batch.now === now.getTime() ? batch : undefined;
}
