import type { Database } from '../db/database.ts';

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
 * So, like db/statistics.ts for our own tables: after a transaction whose relay enqueued jobs
 * commits, the table is analysed once the jobs enqueued since the last ANALYZE reach a quarter
 * of its rows (at least 1,000, at most 5,000). A quarter, not db/statistics.ts's doubling, because completed
 * jobs stay in the table for their retention: a burst of new work is small beside them, and
 * it is the burst the fetch has to be planned for. One ANALYZE at a time per table.
 */
interface Counter {
  baseline: number;
  since: number;
  running?: Promise<void>;
}

const counters = new WeakMap<Database, Map<string, Counter>>();

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
  if (jobs <= 0) return;
  // Every queue of ours lives in pg-boss's default partition.
  const table = `${quoteIdent(schema)}.job_common`;
  let bySchema = counters.get(db);
  if (!bySchema) counters.set(db, (bySchema = new Map()));
  let counter = bySchema.get(table);
  if (!counter) {
    // Rows at the last ANALYZE; a table never analysed counts as empty (its reltuples may
    // already be set by an index build, with no column statistics behind it).
    const result = await db.knex.raw<{ rows: { n: number | null }[] }>(
      `select case when s.last_analyze is null and s.last_autoanalyze is null then 0
                   else greatest(c.reltuples, 0)::int8 end as n
       from pg_class c left join pg_stat_all_tables s on s.relid = c.oid
       where c.oid = to_regclass(?)`,
      [table],
    );
    if (result.rows.length === 0) return;
    counter = bySchema.get(table) ?? { baseline: Number(result.rows[0]!.n ?? 0), since: 0 };
    bySchema.set(table, counter);
  }
  counter.since += jobs;
  if (counter.running || counter.since < Math.max(AT_LEAST, Math.min(AT_MOST, counter.baseline * SHARE))) return;
  const since = counter.since;
  const running = (async () => {
    try {
      await db.knex.raw(`analyze ${table} (${FETCH_COLUMNS.join(', ')})`);
      const after = await db.knex.raw<{ rows: { n: number }[] }>(
        `select greatest(reltuples, 0)::int8 as n from pg_class where oid = to_regclass(?)`,
        [table],
      );
      counter.baseline = Number(after.rows[0]?.n ?? counter.baseline + since);
      counter.since -= since;
    } finally {
      counter.running = undefined;
    }
  })();
  counter.running = running;
  await running;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
