import type { LedgerEvent } from '@arrears/shared';
import type { Database } from '../../server/src/db/database.ts';
import { noteLedgerWrites } from '../../server/src/db/statistics.ts';
import { ingestChunk, recordRejections, type IngestContext } from '../../server/src/ledger/ingest.ts';
import type { NumberedRecord } from '../../server/src/ledger/validate.ts';
import { validateLedgerRecords } from '../../server/src/ledger/validate.ts';
import { chronologicalEvents } from './data.ts';
import { LEDGER_ROW_COLUMNS, ledgerRow, seedPortfolio } from './load.ts';
import { explainIngestChunk } from './explain-ingest.ts';
import type { BenchOptions } from './harness.ts';
import { batched, copyIn, heading, int, median, openBenchDatabase, perSecond, printEnvironment } from './harness.ts';
import { progress, secs, table, timed } from './harness.ts';
import { StatementTimes } from './statements.ts';

/** Fastest of the sizes tried (10k, 20k, 30k, 50k) on the reference machine; `--chunk a,b,c` sweeps. */
export const DEFAULT_CHUNK = 10_000;
const SOURCE = 'bench-feed';
const BASELINE_TABLE = 'ledger_copy_baseline';

interface Totals {
  /** Events ingested: all of them unless the time budget cut the run short. */
  rows: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  ms: number;
  statements: StatementTimes;
  cutOff?: string;
}

/**
 * The product path as the CLI import (server/src/import/import-file.ts) runs it: each chunk in
 * its own org-scoped transaction, rejections recorded, then noteLedgerWrites (ANALYZE when due).
 */
async function ingestAll(
  db: Database,
  ctx: IngestContext,
  records: readonly NumberedRecord[],
  chunk: number,
  label: string,
  budgetMs: number,
): Promise<Totals> {
  const statements = new StatementTimes();
  const totals: Totals = { rows: 0, inserted: 0, duplicates: 0, rejected: 0, ms: 0, statements };
  const chunks = Math.ceil(records.length / chunk);
  const every = Math.max(1, Math.round(chunks / 10));
  const t0 = performance.now();
  let lastPrint = t0;
  for (let i = 0; i < chunks; i++) {
    const slice = records.slice(i * chunk, (i + 1) * chunk);
    // A run that would take hours stops at the budget: the statement running then is cancelled.
    const remaining = Math.floor(t0 + budgetMs - performance.now());
    let result;
    try {
      if (remaining <= 0) throw Object.assign(new Error('budget'), { code: '57014' });
      result = await db.withOrg(ctx.orgId, async (trx) => {
        await trx.raw(`set local statement_timeout = ${remaining}`);
        const chunkResult = await ingestChunk(statements.instrument(trx), db, ctx, slice);
        const byRow = new Map(slice.map((r) => [r.row, r.value]));
        await recordRejections(trx, ctx, chunkResult.rejected, (row) => byRow.get(row));
        return chunkResult;
      });
    } catch (error) {
      if ((error as { code?: string }).code !== '57014') throw error;
      totals.cutOff = `stopped at chunk ${i + 1}/${chunks}: the --budget of ${secs(budgetMs)} ran out`;
      progress(`  ${label}: ${totals.cutOff}`);
      break;
    }
    totals.rows += slice.length;
    await statements.time('noteLedgerWrites (ANALYZE ledger_entries, allocations when due)', () =>
      noteLedgerWrites(db, result.inserted),
    );
    totals.inserted += result.inserted;
    totals.duplicates += result.duplicates;
    totals.rejected += result.rejected.length;
    if (result.rejected.length > 0 && totals.rejected === result.rejected.length) {
      progress(`  unexpected rejections, first: ${JSON.stringify(result.rejected.slice(0, 3))}`);
    }
    if ((i + 1) % every === 0 || i + 1 === chunks || performance.now() - lastPrint > 30_000) {
      lastPrint = performance.now();
      const rate = perSecond(totals.rows, performance.now() - t0);
      progress(`  ${label}: chunk ${i + 1}/${chunks}, ${int(totals.rows)} rows, ${rate}`);
    }
  }
  totals.ms = performance.now() - t0;
  return totals;
}

/** (a) The floor: format the same rows and COPY them into a table with no index and no constraint. */
async function copyBaseline(db: Database, orgId: string, events: readonly LedgerEvent[]): Promise<number> {
  const recordedAt = new Date().toISOString();
  const runs: number[] = [];
  for (let run = 1; run <= 3; run++) {
    await db.knex.raw(`drop table if exists ${BASELINE_TABLE}`);
    await db.knex.raw(`
      create table ${BASELINE_TABLE} (id bigint, org_id text, lease_id text, source text, external_id text, kind text,
        charge_type text, amount_cents bigint, effective_on date, due_on date, memo text, recorded_at timestamptz,
        reverses_id bigint)`);
    function* lines(): Generator<string> {
      for (let i = 0; i < events.length; i++) yield `${i + 1}\t${ledgerRow(orgId, SOURCE, recordedAt, events[i]!)}`;
    }
    const { ms } = await timed(() =>
      copyIn(db.knex, `copy ${BASELINE_TABLE} (id, ${LEDGER_ROW_COLUMNS}) from stdin`, batched(lines())),
    );
    runs.push(ms);
    progress(`  COPY run ${run}: ${secs(ms)}, ${perSecond(events.length, ms)}`);
  }
  await db.knex.raw(`drop table ${BASELINE_TABLE}`);
  return median(runs);
}

/** (a2) The same rows COPYed into ledger_entries itself: its indexes, checks, foreign key; nothing else. */
async function copyIntoLedger(db: Database, leases: number, events: readonly LedgerEvent[]): Promise<number> {
  const org = 'bench-ingest-copy';
  await seedPortfolio(db.knex, org, leases);
  await db.knex.raw('analyze leases');
  const recordedAt = new Date().toISOString();
  // A reversal needs its payment's id, which COPY cannot look up: those few rows are left out.
  const rows = events.filter((e) => e.kind !== 'reversal');
  function* lines(): Generator<string> {
    for (const event of rows) yield ledgerRow(org, SOURCE, recordedAt, event);
  }
  const { ms } = await timed(() =>
    copyIn(db.knex, `copy ledger_entries (${LEDGER_ROW_COLUMNS}) from stdin`, batched(lines())),
  );
  progress(`  COPY into ledger_entries: ${secs(ms)}, ${perSecond(rows.length, ms)}`);
  return (rows.length * 1000) / ms;
}

async function counts(db: Database, orgId: string): Promise<{ ledger: number; allocations: number }> {
  const result = await db.knex.raw<{ rows: { ledger: number; allocations: number }[] }>(
    `select (select count(*) from ledger_entries where org_id = ?)::int8 as ledger,
            (select count(*) from allocations where org_id = ?)::int8 as allocations`,
    [orgId, orgId],
  );
  return result.rows[0]!;
}

export async function run(options: BenchOptions): Promise<void> {
  const rows = options.rows ?? 1_000_000;
  const leases = options.leases ?? Math.max(1, Math.round(rows / 10));
  // --explain runs the first and the last chunk through auto_explain, outside the measurement.
  const chunkSizes = (options.chunks ?? [DEFAULT_CHUNK]).slice(0, options.explain ? 1 : undefined);
  const budgetMs = (options.budget ?? 900) * 1000;
  const bench = await openBenchDatabase('ingest');
  try {
    const { db } = bench;
    const orgs = chunkSizes.map((size) => `bench-ingest-${size}`);
    for (const org of new Set(orgs)) {
      progress(`seeding org ${org}: ${int(leases)} leases (COPY as owner)`);
      await seedPortfolio(db.knex, org, leases);
    }
    // Leases exist long before their ledger arrives; autovacuum would have analyzed them.
    await db.knex.raw('analyze orgs, properties, leases');
    progress(`generating ${int(rows)} ledger events over ${int(leases)} leases, in posting-date order`);
    const events = chronologicalEvents(leases, rows, { reversals: true });
    const mix = new Map<string, number>();
    for (const e of events) mix.set(e.kind, (mix.get(e.kind) ?? 0) + 1);
    progress(`  mix: ${[...mix].map(([kind, n]) => `${kind} ${((n / rows) * 100).toFixed(1)}%`).join(', ')}`);
    const all: NumberedRecord[] = events.map((value, i) => ({ row: i + 1, value }));
    const validation = await timed(async () => validateLedgerRecords(all));
    progress(`  zod validation alone (also inside the product path): ${perSecond(rows, validation.ms)}`);

    progress(`(a) baseline: format + COPY ${int(rows)} rows into an unconstrained table, median of 3`);
    const copyMs = await copyBaseline(db, orgs[0]!, events);

    const held = options.explain ? Math.min(chunkSizes[0]!, Math.floor(rows / 3)) : 0;
    if (held > 0) {
      const inserted = await explainIngestChunk(bench.schema, db, orgs[0]!, SOURCE, all.slice(0, held), 'first chunk');
      await noteLedgerWrites(db, inserted);
    }
    const records = all.slice(held, rows - held);
    const results: { chunk: number; org: string; totals: Totals }[] = [];
    for (const [i, chunk] of chunkSizes.entries()) {
      const org = orgs[i]!;
      progress(`(b) product: ingestChunk in db.withOrg, ${int(chunk)} events per transaction, org ${org}`);
      const ctx: IngestContext = { orgId: org, source: SOURCE, actor: 'system:bench', now: new Date() };
      const totals = await ingestAll(db, ctx, records, chunk, `chunk ${int(chunk)}`, budgetMs);
      results.push({ chunk, org, totals });
    }
    const rateOf = (t: Totals) => (t.rows * 1000) / t.ms;
    const best = results.reduce((a, b) => (rateOf(b.totals) > rateOf(a.totals) ? b : a));
    const before = await counts(db, best.org);

    // Re-deliver what (b) committed: every tenth event, in the same chunks.
    const sample = records.slice(0, best.totals.rows).filter((_, i) => i % 10 === 0);
    progress(`(c) re-delivering a 10% sample (${int(sample.length)} events) to org ${best.org}`);
    const ctx: IngestContext = { orgId: best.org, source: SOURCE, actor: 'system:bench', now: new Date() };
    const again = await ingestAll(db, ctx, sample, best.chunk, 're-delivery', budgetMs);
    const after = await counts(db, best.org);
    progress('(a2) reference: the same rows COPYed into ledger_entries itself, as owner (after (b), another org)');
    const ledgerCopyRate = await copyIntoLedger(db, leases, events);

    const productRate = rateOf(best.totals);
    const copyRate = (rows * 1000) / copyMs;
    heading(`ingest: ${int(rows)} events over ${int(leases)} leases`);
    table([
      [
        '(a) COPY, unconstrained table',
        `${secs(copyMs)}  ${perSecond(rows, copyMs)}  (median of 3, formatting included)`,
      ],
      [
        '(a2) COPY into ledger_entries',
        `${int(ledgerCopyRate)} rows/s  (the table's own indexes, checks and lease reference trigger; no idempotency, no allocation)`,
      ],
      ...results.map(
        (r) =>
          [
            `(b) ingestChunk, ${int(r.chunk)}/txn`,
            `${secs(r.totals.ms)}  ${perSecond(r.totals.rows, r.totals.ms)}  inserted ${int(r.totals.inserted)}, ` +
              `duplicates ${int(r.totals.duplicates)}, rejected ${int(r.totals.rejected)}` +
              (r.totals.cutOff
                ? `; PARTIAL, ${int(r.totals.rows)} of ${int(records.length)} events (${r.totals.cutOff})`
                : ''),
          ] as const,
      ),
      [
        'chunk size used',
        `${int(best.chunk)} events per transaction${results.length > 1 ? ' (fastest of the sweep)' : ''}` +
          (held > 0 ? `; --explain: (b) leaves out the first and last ${int(held)}, explained below` : ''),
      ],
      [
        'ratio (b)/(a)',
        `${((productRate / copyRate) * 100).toFixed(1)}% of COPY's rows/s (target >= 50%: ${productRate >= copyRate / 2 ? 'met' : 'NOT met'}); ` +
          `${((productRate / ledgerCopyRate) * 100).toFixed(1)}% of (a2)`,
      ],
      ['ledger / allocation rows', `${int(before.ledger)} / ${int(before.allocations)} after (b)`],
      [
        '(c) re-delivery, 10% sample',
        `${secs(again.ms)}  ${int((again.duplicates * 1000) / again.ms)} duplicates/s; inserted ${int(again.inserted)}, ` +
          `duplicates ${int(again.duplicates)}, rejected ${int(again.rejected)}`,
      ],
      [
        'idempotency',
        again.inserted === 0 && after.ledger === before.ledger && after.allocations === before.allocations
          ? `ok: 0 new rows inserted (ledger still ${int(after.ledger)}, allocations still ${int(after.allocations)})`
          : `FAILED: ${int(after.ledger - before.ledger)} new ledger rows, ${int(after.allocations - before.allocations)} new allocations`,
      ],
      [
        'validation share',
        `zod alone ${secs(validation.ms)} = ${((validation.ms / best.totals.ms) * 100).toFixed(1)}% of (b)`,
      ],
    ]);
    for (const r of results) {
      const title = `where (b) spends its time: chunk ${int(r.chunk)}, ${secs(r.totals.ms)} in all`;
      r.totals.statements.print(title, r.totals.ms, r === best ? 10 : 5);
    }
    if (held > 0 && best.totals.cutOff) progress('explain skipped: (b) did not finish within the budget');
    else if (held > 0)
      await explainIngestChunk(bench.schema, db, best.org, SOURCE, all.slice(rows - held), 'last chunk');
    await printEnvironment(db.knex);
  } finally {
    await bench.close();
  }
}
