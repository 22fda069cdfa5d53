import type { Database } from './database.ts';

interface WriteCounter {
  /** Rows in the ledger tables at the last ANALYZE (from pg_class, then counted). */
  baseline: number;
  since: number;
}

const counters = new WeakMap<Database, WriteCounter>();

/**
 * Keeps planner statistics current after bulk ledger writes. A ledger that grows from empty
 * to thousands of rows within seconds is still planned as empty until statistics catch up:
 * nested loops over "empty" tables make each ingest chunk slower than the last and an aging
 * scan take seconds instead of milliseconds. PostgreSQL's autovacuum catches up within a
 * minute or so; embedded PGlite has no autovacuum at all. This applies autovacuum's rule
 * (analyze after writes of ~20 % of the table) at the moment the writes happen. ANALYZE needs
 * the table owner, so it runs on the owner connection after the org transaction committed.
 */
export async function noteLedgerWrites(db: Database, rows: number): Promise<void> {
  if (rows <= 0) return;
  let counter = counters.get(db);
  if (!counter) {
    const result = await db.knex.raw<{ rows: { n: number }[] }>(
      `select greatest(reltuples, 0)::int8 as n from pg_class where oid = to_regclass('ledger_entries')`,
    );
    counter = { baseline: result.rows[0]?.n ?? 0, since: 0 };
    counters.set(db, counter);
  }
  counter.since += rows;
  if (counter.since < Math.max(1000, counter.baseline * 0.2)) return;
  await db.knex.raw('analyze ledger_entries, allocations, open_items');
  counter.baseline += counter.since;
  counter.since = 0;
}
