import type { Database, Trx } from '../db/database.ts';

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Works through `items` of one org in ONE transaction, so they share one COMMIT, then runs
 * `finish` for each once that has committed (a provider call that must follow the commit).
 *
 * A COMMIT waits for the WAL flush and for the org's audit chain head, which every writer of the
 * org takes in turn (about a millisecond here): with a transaction per job the runner could not
 * pass a few hundred jobs a second, however many workers it had. When the shared transaction
 * fails — one item that cannot be processed, a deadlock with another worker — none of it is
 * kept and every item runs again in its own transaction, so one failure never fails its
 * neighbours and every item's outcome is its own.
 */
export async function inOneTransaction<T, P, R>(
  db: Database,
  orgId: string,
  items: readonly T[],
  work: (trx: Trx, item: T) => Promise<P>,
  finish: (prepared: P) => Promise<R>,
  /**
   * Work for all items at once at the start of the shared transaction (locks, reads, set-based
   * writes); each item's `work` then picks up its part. Not run when items go one by one.
   */
  setBased?: (trx: Trx, items: readonly T[]) => Promise<void>,
): Promise<Outcome<R>[]> {
  let prepared: P[] | undefined;
  if (items.length > 1)
    try {
      prepared = await db.withOrg(orgId, async (trx) => {
        await setBased?.(trx, items);
        const out: P[] = [];
        for (const item of items) out.push(await work(trx, item));
        return out;
      });
    } catch {
      prepared = undefined; // each alone, below: its own error is the one it reports
    }
  const outcomes: Outcome<R>[] = new Array(items.length);
  const settle = async (i: number, run: () => Promise<R>) => {
    try {
      outcomes[i] = { ok: true, value: await run() };
    } catch (error) {
      outcomes[i] = { ok: false, error };
    }
  };
  if (prepared) {
    // Committed together; what follows the commit (a provider call per effect) runs side by
    // side, a few at a time: a lane of a few hundred sends must not wait on each call in turn.
    const done = prepared;
    let next = 0;
    const runner = async () => {
      for (let i = next++; i < items.length; i = next++) await settle(i, () => finish(done[i]!));
    };
    await Promise.all(Array.from({ length: Math.min(FINISHING_AT_ONCE, items.length) }, runner));
  } else
    for (let i = 0; i < items.length; i++)
      await settle(i, async () => finish(await db.withOrg(orgId, (trx) => work(trx, items[i]!))));
  return outcomes;
}

/** Post-commit steps of one lane run at once (each its own provider call and transaction). */
const FINISHING_AT_ONCE = 8;

/** `items` in at most `lanes` contiguous runs of near-equal length, in order. */
export function lanesOf<T>(items: readonly T[], lanes: number): T[][] {
  const count = Math.max(1, Math.min(lanes, items.length));
  const size = Math.ceil(items.length / count);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
