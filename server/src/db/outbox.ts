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

export type OutboxRelay = (trx: Trx, items: OutboxItem[]) => Promise<void>;

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
