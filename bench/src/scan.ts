import type { Knex } from 'knex';
import type { Database } from '../../server/src/db/database.ts';
import { allocateOpenItems, NOTHING_FRESH, rebuildOpenItems } from '../../server/src/ledger/allocate.ts';
import { agingSource, leaseAgingQuery, prepareAgingTransaction } from '../../server/src/ledger/aging.ts';
import { raiseWatermark } from '../../server/src/ledger/watermark.ts';
import { AS_OF, leaseSpec, portfolioEvents } from './data.ts';
import { LEDGER_ROW_COLUMNS, ledgerRow, seedPortfolio } from './load.ts';
import type { BenchOptions } from './harness.ts';
import { batched, copyIn, explain, heading, int, median, openBenchDatabase, perSecond } from './harness.ts';
import { printEnvironment, progress, secs, table, timed } from './harness.ts';

const ORG = 'bench-scan';
const SOURCE = 'bench-feed';
const FIRST_ALLOCATION_BATCH = 2_000;
const ALLOCATION_BATCH = 50_000; // leases per allocateOpenItems statement

type Runner = <T>(fn: (trx: Knex.Transaction) => Promise<T>) => Promise<T>;

interface Variant {
  label: string;
  sql: string;
  bindings: Knex.RawBinding[];
  run: Runner;
  times: number[];
  result?: Record<string, number>;
}

/** Superusers may skip the ledger's per-row foreign-key and append-only triggers while loading. */
async function fastLoad(knex: Knex): Promise<string[]> {
  const me = await knex.raw<{ rows: { rolsuper: boolean }[] }>(
    'select rolsuper from pg_roles where rolname = current_user',
  );
  return me.rows[0]?.rolsuper ? ['set session_replication_role = replica'] : [];
}

async function load(db: Database, leases: number, rows: number): Promise<void> {
  const setup = await fastLoad(db.knex);
  const teardown = setup.length ? ['reset session_replication_role'] : [];
  progress(`seeding ${int(leases)} leases in ${int(Math.ceil(leases / 100))} properties (COPY as owner)`);
  await seedPortfolio(db.knex, ORG, leases);

  progress(
    `COPY ${int(rows)} ledger rows straight into ledger_entries (owner${setup.length ? ', FK triggers off' : ''})`,
  );
  const recordedAt = new Date().toISOString();
  let n = 0;
  const step = Math.max(100_000, Math.round(rows / 10));
  function* lines(): Generator<string> {
    for (const event of portfolioEvents(leases, rows, { reversals: false })) {
      if (++n % step === 0) progress(`  ${int(n)} rows`);
      yield ledgerRow(ORG, SOURCE, recordedAt, event);
    }
  }
  const copy = await timed(() =>
    copyIn(db.knex, `copy ledger_entries (${LEDGER_ROW_COLUMNS}) from stdin`, batched(lines()), setup, teardown),
  );
  progress(`  loaded in ${secs(copy.ms)} (${perSecond(rows, copy.ms)})`);

  progress('analyze (autovacuum is what would do it in production; allocation plans need the statistics)');
  await db.knex.raw('analyze orgs, properties, leases, ledger_entries, allocations');
  progress(`allocating payments oldest-first with allocateOpenItems, ${int(ALLOCATION_BATCH)} leases per statement`);
  // allocateOpenItems re-evaluates its correlated "already allocated" subqueries while it inserts; planned on
  // an empty allocations table they seq-scan the growing heap (quadratic). A small first batch, then
  // ANALYZE, and every later batch probes the allocations indexes instead.
  const allocation = await timed(async () => {
    let allocated = 0;
    for (let from = 0; from < leases;) {
      const to = Math.min(leases, from === 0 ? FIRST_ALLOCATION_BATCH : from + ALLOCATION_BATCH);
      const first = leaseSpec(from).id;
      const last = leaseSpec(to - 1).id;
      allocated += await db.knex.transaction(async (trx) => {
        if (setup.length) await trx.raw('set local session_replication_role = replica');
        const affected = `select id as lease_id from leases where org_id = '${ORG}' and id between '${first}' and '${last}'`;
        // The COPYed ledger has no open items yet: derive them from the history, then allocate
        // them. What stays open is the current state ingest maintains.
        await rebuildOpenItems(trx, ORG, affected);
        return allocateOpenItems(trx, ORG, new Date(), { leases: affected, fresh: NOTHING_FRESH });
      });
      await db.knex.raw('analyze allocations');
      progress(`  leases ${first}..${last}: ${int(allocated)} allocation rows so far`);
      from = to;
    }
    return allocated;
  });
  progress(`  ${int(allocation.value)} allocations in ${secs(allocation.ms)}`);
  // What ingest maintains as it goes: besides the open items (above), the watermark.
  await db.knex.transaction(async (trx) => {
    const latest = await trx.raw(`select to_char(max(effective_on), 'YYYY-MM-DD') as day from ledger_entries`);
    await raiseWatermark(trx, ORG, latest.rows[0].day);
  });
  progress('vacuum analyze');
  for (const t of ['properties', 'leases', 'ledger_entries', 'allocations', 'open_items']) {
    await db.knex.raw(`vacuum analyze ${t}`);
  }
}

export async function run(options: BenchOptions): Promise<void> {
  const rows = options.rows ?? (options.large ? 10_000_000 : 1_000_000);
  const leases = options.leases ?? Math.max(1, Math.round(rows / 10));
  const runs = options.runs ?? 5;
  const bench = await openBenchDatabase('scan');
  try {
    const { db } = bench;
    const setup = await timed(() => load(db, leases, rows));
    progress(`setup done in ${secs(setup.ms)} (not measured)`);
    const sizes = await db.knex.raw<{ rows: { ledger: number; allocations: number; mb: number }[] }>(
      `select (select count(*) from ledger_entries)::int8 as ledger, (select count(*) from allocations)::int8 as allocations,
              ((pg_total_relation_size('ledger_entries') + pg_total_relation_size('allocations')) >> 20)::int8 as mb`,
    );
    const size = sizes.rows[0]!;

    const asOwner: Runner = (fn) => db.knex.transaction(fn);
    const asOrg: Runner = (fn) => db.withOrg(ORG, fn);
    // The product runs its aging statements with prepareAgingTransaction's settings.
    const asProduct: Runner = (fn) =>
      db.withOrg(ORG, async (trx) => {
        await prepareAgingTransaction(trx);
        return fn(trx);
      });
    const baselineSql = `select count(*)::int8 as leases, sum(total)::int8 as total from (
        select lease_id, sum(amount_cents) as total from ledger_entries where org_id = ? group by lease_id) t`;
    // The product picks its source per day: the maintained state for a day on or after the
    // ledger's watermark (a scheduled scan, the lease API), the history for any earlier day.
    // "Today" for the generated ledger is its last effective day (what a scheduled scan asks).
    const watermark = await db.knex.raw(
      `select to_char(last_effective_on, 'YYYY-MM-DD') as day from ledger_watermarks`,
    );
    const today: string = watermark.rows[0].day > AS_OF ? watermark.rows[0].day : AS_OF;
    const source = await db.withOrg(ORG, (trx) => agingSource(trx, ORG, today));
    const aging = leaseAgingQuery(ORG, today, {}, source);
    const wrap = (sql: string) => `select count(*)::int8 as leases, sum(balance_cents)::int8 as balance_cents,
        sum(past_due_cents)::int8 as past_due_cents, (count(*) filter (where past_due_cents > 0))::int8 as past_due_leases
      from (${sql}) t`;
    const productSql = wrap(aging.sql);
    const history = leaseAgingQuery(ORG, today, {}, 'history');
    const variants: Variant[] = [
      { label: '(a) baseline, owner', sql: baselineSql, bindings: [ORG], run: asOwner, times: [] },
      { label: '(a) baseline, withOrg (RLS)', sql: baselineSql, bindings: [ORG], run: asOrg, times: [] },
      {
        label: `(b) aging as of ${today} (${source})`,
        sql: productSql,
        bindings: aging.bindings,
        run: asProduct,
        times: [],
      },
      {
        label: `(c) same day, from the full history`,
        sql: wrap(history.sql),
        bindings: history.bindings,
        run: asProduct,
        times: [],
      },
    ];
    progress(`measuring: 1 warm-up + ${runs} runs of each query, interleaved`);
    for (let i = 0; i <= runs; i++) {
      for (const v of variants) {
        const { ms, value } = await timed(() =>
          v.run((trx) => trx.raw<{ rows: Record<string, number>[] }>(v.sql, v.bindings)),
        );
        if (i === 0) {
          v.result = value.rows[0];
          progress(`  warm-up ${v.label}: ${secs(ms)}`);
        } else v.times.push(ms);
      }
      if (i > 0) progress(`  run ${i}/${runs}: ${variants.map((v) => secs(v.times.at(-1)!)).join(' / ')}`);
    }

    const [owner, rls, product, fromHistory] = variants.map((v) => median(v.times)) as [number, number, number, number];
    heading(
      `scan: ${int(size.ledger)} ledger rows, ${int(size.allocations)} allocations, ${int(leases)} leases (${int(size.mb)} MB)`,
    );
    table([
      ...variants.map((v) => {
        const m = median(v.times);
        const spread = `min ${secs(Math.min(...v.times))}, max ${secs(Math.max(...v.times))}`;
        return [v.label, `${secs(m)}  ${perSecond(size.ledger, m)}  (median of ${runs}; ${spread})`] as const;
      }),
      [
        'ratio (b)/(a)',
        `${(product / owner).toFixed(2)}x the owner baseline, ${(product / rls).toFixed(2)}x the RLS baseline ` +
          `(target <= 2x: ${product <= 2 * owner ? 'met' : 'NOT met'})`,
      ],
      [
        'ratio (c)/(a)',
        `${(fromHistory / owner).toFixed(2)}x the owner baseline (any past day reads every ledger and allocation row)`,
      ],
      ...(options.large
        ? [['30 s target', product < 30_000 ? `met (${secs(product)})` : `NOT met (${secs(product)})`] as const]
        : []),
      ['baseline result', JSON.stringify(variants[0]!.result)],
      ['aging result (b)', JSON.stringify(variants[2]!.result)],
      ['aging result (c)', JSON.stringify(variants[3]!.result)],
    ]);
    if (options.explain) {
      await explain(asOwner, 'baseline aggregate (owner)', baselineSql, [ORG]);
      await explain(asProduct, `(b) aging as of ${today} (${source})`, productSql, aging.bindings);
      await explain(asProduct, `(c) aging as of ${today} (history)`, wrap(history.sql), history.bindings);
    }
    await printEnvironment(db.knex);
  } finally {
    await bench.close();
  }
}
