import type { Trx } from './database.ts';

/**
 * Work that must start because of what a transaction wrote: dispatch an effect at its instant,
 * re-evaluate a lease (now, or when the engine asked to be woken). Code that writes effects or
 * ledger rows notes the work here; the database hands it to the runner's relay just before the
 * transaction commits, inside it, so the jobs exist exactly when the rows they act on do.
 * Without a relay (simulate, the CLI importer with no worker) nothing is enqueued and the
 * scheduled scan finds the work instead.
 */
export type OutboxItem =
  /**
   * `retry`: a fresh job even if one for this instant already ran (an early run, a scan finding
   * an effect whose job is gone); dispatch is idempotent, so an extra job costs nothing.
   */
  | { kind: 'dispatch'; orgId: string; key: string; at: Date; retry?: boolean }
  | { kind: 'evaluate'; orgId: string; leaseId: string; cause: string; at?: Date }
  | { kind: 'webhook'; orgId: string; source: string; eventId: string };

/**
 * Enqueues a transaction's work inside it. It may hand back what to do once the transaction has
 * committed (the runner keeps the job table's planner statistics current), which `withOrg` runs
 * after COMMIT; a failure there is reported, never the caller's failure.
 */
export type OutboxRelay = (trx: Trx, items: OutboxItem[]) => Promise<AfterCommit | void>;
export type AfterCommit = () => Promise<void>;

const pending = new WeakMap<Trx, OutboxItem[]>();

export function noteWork(trx: Trx, item: OutboxItem): void {
  const items = pending.get(trx);
  if (items) items.push(item);
  else pending.set(trx, [item]);
}

export function takeWork(trx: Trx): OutboxItem[] {
  const items = pending.get(trx) ?? [];
  pending.delete(trx);
  return items;
}

/**
 * Takes back the dispatches noted so far in `trx` that are due by `now` (not the retries): the
 * caller dispatches them in this transaction instead of through jobs (escalation/dispatch-batch.ts,
 * `dispatchDueIn`), and notes back any it leaves to a job.
 */
export function takeDueDispatches(trx: Trx, now: Date): { key: string; at: Date }[] {
  const items = pending.get(trx);
  if (!items) return [];
  const due = new Map<string, { key: string; at: Date }>();
  const rest = items.filter((item) => {
    if (item.kind !== 'dispatch' || item.retry || item.at.getTime() > now.getTime()) return true;
    due.set(item.key, { key: item.key, at: item.at });
    return false;
  });
  pending.set(trx, rest);
  // In key order, as dispatch lanes lock effect rows: two lanes never wait on each other in a cycle.
  return [...due.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
