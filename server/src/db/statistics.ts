import type { Database } from './database.ts';

/** Tables written together, analysed together; the first one's size is the group's. */
const GROUPS = {
  ledger: ['ledger_entries', 'allocations', 'open_items'],
  /** What the runner writes for every lease it evaluates and every effect it dispatches. */
  escalation: ['effects', 'cases', 'case_events'],
} as const;

type Group = keyof typeof GROUPS;

/** Growth, as a share of the table, after which a group is analysed again (see noteWrites). */
const GROWTH: Record<Database['kind'], number> = { embedded: 0.2, postgres: 1 };

/** When a table (or group of tables) is due for ANALYZE again, and how it is analysed. */
export interface GrowthRule {
  /** Rows at the last ANALYZE, read once per database handle; undefined: no such table. */
  baseline(): Promise<number | undefined>;
  /** Whether `since` rows written since the last ANALYZE call for another one. */
  due(since: number, baseline: number): boolean;
  /** Runs ANALYZE; returns the rows it saw, or undefined to count the baseline up by `since`. */
  analyze(): Promise<number | undefined>;
}

interface WriteCounter {
  baseline: number;
  since: number;
  /** The ANALYZE under way, if any: one at a time per key. */
  running?: Promise<void>;
}

const counters = new WeakMap<Database, Map<string, WriteCounter>>();

/**
 * Counts rows written to what `key` names and analyses it, on the owner connection, when
 * `rule` says it has grown enough since the last ANALYZE (this file's groups; pg-boss's job
 * table in runner/job-statistics.ts). Callers run it after their transaction committed.
 */
export async function noteGrowth(db: Database, key: string, rows: number, rule: GrowthRule): Promise<void> {
  if (rows <= 0) return;
  let byKey = counters.get(db);
  if (!byKey) counters.set(db, (byKey = new Map()));
  let counter = byKey.get(key);
  if (!counter) {
    const baseline = await rule.baseline();
    if (baseline === undefined) return;
    counter = byKey.get(key) ?? { baseline, since: 0 };
    byKey.set(key, counter);
  }
  counter.since += rows;
  if (counter.running || !rule.due(counter.since, counter.baseline)) return;
  const since = counter.since;
  const running = (async () => {
    try {
      const seen = await rule.analyze();
      counter.baseline = seen ?? counter.baseline + since;
      counter.since -= since;
    } finally {
      counter.running = undefined;
    }
  })();
  counter.running = running;
  await running;
}

/**
 * Keeps planner statistics current after bulk writes. A table that grows from empty to
 * thousands of rows within seconds is still planned as empty until statistics catch up:
 * nested loops over "empty" tables make each ingest chunk slower than the last, an aging scan
 * take seconds instead of milliseconds, and the runner's batch statements scan every effect of
 * the org instead of probing its key. PostgreSQL's autovacuum catches up within a minute or so;
 * embedded PGlite has no autovacuum at all. This analyses a table group, at the moment the
 * writes happen, once its first table has grown by a share of its size since the last ANALYZE
 * (and after 1,000 rows at the least, so a nearly empty table is never analysed as empty):
 * - PGlite, with nothing else to analyse it: every 20 % more, autovacuum's rule. Doubling
 *   there made `arrears simulate` of the demo portfolio 9 % slower (plans made for the table
 *   half its size).
 * - PostgreSQL, where autovacuum normally runs and this only bridges the minute until it does:
 *   once the table has doubled. The ingest's and the runner's statements probe by key whatever
 *   the statistics say, and at every 20 % more ANALYZE was 15 % of a growing ledger's ingest.
 * ANALYZE needs the table owner, so it runs on the owner connection after the org transaction
 * committed.
 */
export async function noteWrites(db: Database, group: Group, rows: number): Promise<void> {
  const tables = GROUPS[group];
  await noteGrowth(db, `group:${group}`, rows, {
    baseline: async () => {
      const result = await db.knex.raw<{ rows: { n: number }[] }>(
        `select greatest(reltuples, 0)::int8 as n from pg_class where oid = to_regclass(?)`,
        [tables[0]],
      );
      return Number(result.rows[0]?.n ?? 0);
    },
    due: (since, baseline) => since >= Math.max(1000, baseline * GROWTH[db.kind]),
    analyze: async () => {
      await db.knex.raw(await analyzeStatement(db, tables));
      return undefined;
    },
  });
}

const analyzeStatements = new WeakMap<Database, Map<readonly string[], string>>();

/**
 * `analyze t1 (columns), t2 (columns), …` over every column but the jsonb documents (effect
 * payloads, case states, event data): no statement filters or joins on them by value, and
 * their statistics (sorting and hashing thousands of documents) were over half of ANALYZE's
 * time on the runner's tables. Autovacuum, where it runs, still analyses them in full.
 */
async function analyzeStatement(db: Database, tables: readonly string[]): Promise<string> {
  let byTables = analyzeStatements.get(db);
  if (!byTables) analyzeStatements.set(db, (byTables = new Map()));
  const known = byTables.get(tables);
  if (known) return known;
  const result = await db.knex.raw<{ rows: { table: string; columns: string[] }[] }>(
    `select t.name as table, array_agg(quote_ident(a.attname) order by a.attnum) as columns
     from unnest(cast(? as text[])) as t(name)
     join pg_attribute a on a.attrelid = to_regclass(t.name)
     where a.attnum > 0 and not a.attisdropped and a.atttypid <> 'jsonb'::regtype
     group by t.name`,
    [[...tables]],
  );
  const columns = new Map(result.rows.map((r) => [r.table, r.columns]));
  const sql = `analyze ${tables.map((t) => `${t} (${columns.get(t)!.join(', ')})`).join(', ')}`;
  byTables.set(tables, sql);
  return sql;
}

/** `noteWrites` for the ledger tables (ingest, import). */
export async function noteLedgerWrites(db: Database, rows: number): Promise<void> {
  await noteWrites(db, 'ledger', rows);
}

const MASTER_TABLES = ['properties', 'leases', 'tenants', 'lease_tenants', 'contact_points', 'tenant_consents'];

/**
 * After loading a portfolio (the demo, a bulk seed): the master tables go from empty to
 * thousands of rows at once, and without fresh statistics the ledger merge and the runner's
 * lease reads plan their lookups as if they were empty (a scan of every lease of the org per
 * batch). ANALYZE needs the owner, hence db.knex.
 */
export async function analyzeMasterTables(db: Database): Promise<void> {
  await db.knex.raw(`analyze ${MASTER_TABLES.map(() => '??').join(', ')}`, MASTER_TABLES);
}
