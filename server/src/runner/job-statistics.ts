import type { Database } from '../db/database.ts';
import { noteGrowth } from '../db/statistics.ts';

/**
 * Keeps the planner statistics of pg-boss's job table current as jobs are enqueued.
 *
 * pg-boss fetches a batch of a singleton queue (our evaluations are one per lease) with a
 * probe per candidate for an active job of the same key. Planned from no statistics — a job
 * table filled in seconds, on a server whose autovacuum is off or has not come round yet — the
 * probe becomes a nested loop over every active job for every queued one: measured 717 ms per
 * fetch with 13,000 queued and 500 active, against 9.8 ms once analysed (an ordered index scan
 * stopping at the batch size, one index probe per candidate). With two workers fetching side
 * by side the bad plan was most of the database's time.
 *
 * So, with the counter db/statistics.ts keeps for our own tables (`noteGrowth`): after a
 * transaction whose relay enqueued jobs commits, the table is analysed once the jobs enqueued
 * since the last ANALYZE reach a quarter of its rows (at least 1,000, at most 5,000). A
 * quarter, not db/statistics.ts's doubling, because completed jobs stay in the table for their
 * retention: a burst of new work is small beside them, and it is the burst the fetch has to be
 * planned for. One ANALYZE at a time per table.
 */
const SHARE = 0.25;
const AT_LEAST = 1000;
/**
 * However large the table: the bad plan's cost grows with the queued jobs the statistics do not
 * show, not with the table, and ANALYZE samples at most 30,000 rows, so its cost stays bounded.
 */
const AT_MOST = 5000;

/**
 * What pg-boss's fetch filters, orders and probes on. Not the payloads and outputs (jsonb):
 * sorting and hashing those was most of a full ANALYZE (63 ms of it at 16,000 jobs).
 */
const FETCH_COLUMNS = ['name', 'state', 'blocked', 'start_after', 'singleton_key', 'policy', 'priority', 'created_on'];

export async function noteJobWrites(db: Database, schema: string, jobs: number): Promise<void> {
  // Every queue of ours lives in pg-boss's default partition.
  const table = `${quoteIdent(schema)}.job_common`;
  const rowsOf = async (sql: string) =>
    (await db.knex.raw<{ rows: { n: number | null }[] }>(sql, [table])).rows.map((r) => Number(r.n ?? 0))[0];
  await noteGrowth(db, `jobs:${table}`, jobs, {
    // A table never analysed counts as empty: its reltuples may already be set by an index
    // build, with no column statistics behind it.
    baseline: () =>
      rowsOf(
        `select case when s.last_analyze is null and s.last_autoanalyze is null then 0
                     else greatest(c.reltuples, 0)::int8 end as n
         from pg_class c left join pg_stat_all_tables s on s.relid = c.oid
         where c.oid = to_regclass(?)`,
      ),
    due: (since, baseline) => since >= Math.max(AT_LEAST, Math.min(AT_MOST, baseline * SHARE)),
    analyze: async () => {
      await db.knex.raw(`analyze ${table} (${FETCH_COLUMNS.join(', ')})`);
      return rowsOf(`select greatest(reltuples, 0)::int8 as n from pg_class where oid = to_regclass(?)`);
    },
  });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
