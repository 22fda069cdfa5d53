import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PolicyDocument } from '@arrears/shared';
import { loadConfig } from '../../server/src/config/config.ts';
import { ingestLedgerEvents } from '../../server/src/ledger/ingest.ts';
import { startBoss } from '../../server/src/runner/boss.ts';
import { bossRelay } from '../../server/src/runner/relay.ts';
import { middayZone, seedBulkPortfolio } from '../../server/src/runner/testing.ts';
import { addCalendarDays, localDate } from '../../server/src/time/zoned.ts';
import {
  DATABASE_URL,
  heading,
  int,
  openBenchDatabase,
  printEnvironment,
  progress,
  secs,
  table,
  type BenchOptions,
} from './harness.ts';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/src/main.ts');
const ZONE = middayZone();
const POLICY = PolicyDocument.parse({
  id: 'bench',
  name: 'Pipeline bench: one email per delinquent lease',
  levels: [{ id: 'L1', days: { min: 1 }, steps: [{ id: 'email', day: 1, at: '00:00', action: 'email' }] }],
  late_fees: { enabled: false },
});

/**
 * Raw pg-boss on the same server: insert N jobs, one in-process worker with a no-op handler,
 * fetching as many jobs per poll as `arrears worker` does by default.
 */
async function rawBoss(jobs: number): Promise<number> {
  const bench = await openBenchDatabase('raw');
  try {
    const boss = await startBoss(bench.db, { connectionString: DATABASE_URL, schema: `${bench.schema}_jobs` });
    await boss.createQueue('raw');
    let done = 0;
    const t0 = performance.now();
    for (let i = 0; i < jobs; i += 1000)
      await boss.insert(
        'raw',
        Array.from({ length: Math.min(1000, jobs - i) }, (_, n) => ({ data: { n: i + n } })),
      );
    const finished = new Promise<void>((resolve) => {
      const options = { batchSize: loadConfig({}).jobs.batchSize, pollingIntervalSeconds: 1, burstWhenBatchFull: true };
      void boss.work('raw', options, async (batch) => {
        done += batch.length;
        if (done >= jobs) resolve();
      });
    });
    await finished;
    const ms = performance.now() - t0;
    await boss.stop({ graceful: false });
    await bench.db.knex.raw('drop schema if exists ?? cascade', [`${bench.schema}_jobs`]);
    return (jobs * 1000) / ms;
  } finally {
    await bench.close();
  }
}

async function stopAll(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map((w) => {
      if (w.exitCode !== null || w.signalCode !== null) return undefined;
      const exited = new Promise((resolve) => w.once('exit', resolve));
      w.kill('SIGTERM');
      return exited;
    }),
  );
}

/** Ledger events in, sandbox emails out, with `processes` `arrears worker` processes. */
async function pipeline(leases: number, processes: number): Promise<{ ms: number; sent: number }> {
  const bench = await openBenchDatabase(`pipeline${processes}`);
  const workers: ChildProcess[] = [];
  try {
    const ids = await seedBulkPortfolio(bench.db, 'bench', leases, ZONE, POLICY);
    const boss = await startBoss(bench.db, { connectionString: DATABASE_URL, schema: `${bench.schema}_jobs` });
    bench.db.relay = bossRelay(boss);
    for (let i = 0; i < processes; i++)
      workers.push(
        // BENCH_WORKER_ARGS: node flags for the workers, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile them.
        spawn(
          process.execPath,
          [...(process.env.BENCH_WORKER_ARGS?.split(' ').filter(Boolean) ?? []), MAIN, 'worker'],
          {
            env: {
              ...process.env,
              DATABASE_URL,
              ARREARS_DB_SCHEMA: bench.schema,
              ARREARS_JOBS_SCHEMA: `${bench.schema}_jobs`,
              ARREARS_DB_POOL_MAX: '4',
              LOG_LEVEL: 'error',
            },
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        ),
      );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const due = addCalendarDays(localDate(new Date(), ZONE), -2);
    const t0 = performance.now();
    for (let i = 0; i < ids.length; i += 1000)
      await ingestLedgerEvents(
        bench.db,
        { orgId: 'bench', source: 'books', actor: 'bench', now: new Date() },
        ids.slice(i, i + 1000).map((id, n) => ({
          row: n + 1,
          value: {
            kind: 'charge',
            lease_id: id,
            external_id: `R-${id}`,
            charge_type: 'rent',
            amount_cents: 100_000,
            effective_on: due,
            due_on: due,
          },
        })),
      );
    progress(`${int(leases)} ledger events committed after ${secs(performance.now() - t0)}`);
    let sent = 0;
    const deadline = Date.now() + 600_000;
    while (sent < leases && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const rows = await bench.db.knex('sandbox_outbox').count({ n: '*' });
      sent = Number(rows[0]!.n);
    }
    const ms = performance.now() - t0;
    await stopAll(workers);
    bench.db.relay = undefined;
    await boss.stop({ graceful: false });
    await bench.db.knex.raw('drop schema if exists ?? cascade', [`${bench.schema}_jobs`]);
    return { ms, sent };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(
      workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : w.once('exit', resolve)))),
    );
    await bench.close();
  }
}

export async function run(options: BenchOptions): Promise<void> {
  const leases = options.leases ?? 4000;
  heading(`pipeline: ${int(leases)} ledger events → evaluations → ${int(leases)} sandbox emails (PostgreSQL)`);
  progress('raw pg-boss baseline');
  const raw = await rawBoss(leases * 2);
  progress('one worker process');
  const one = await pipeline(leases, 1);
  progress('two worker processes');
  const two = await pipeline(leases, 2);
  const rate = (r: { ms: number; sent: number }) => (r.sent * 1000) / r.ms;
  heading('results');
  table([
    ['raw pg-boss (insert + no-op work, 1 process)', `${int(raw)} jobs/s`],
    ['pipeline, 1 worker process', `${int(rate(one))} effects/s (${int(one.sent)} in ${secs(one.ms)})`],
    ['pipeline, 2 worker processes', `${int(rate(two))} effects/s (${int(two.sent)} in ${secs(two.ms)})`],
    [
      'pipeline (2 processes) / raw pg-boss',
      `${((100 * rate(two)) / raw).toFixed(1)} % (target ≥ 25 %; each effect is one evaluation job, sent in its commit)`,
    ],
    ['2 processes / 1 process', `${(rate(two) / rate(one)).toFixed(2)}× (target ≥ 1.6×)`],
    ['target ≥ 2,000 effects/s', rate(two) >= 2000 ? 'met' : 'not met'],
  ]);
  const env = await openBenchDatabase('env');
  try {
    await printEnvironment(env.db.knex);
  } finally {
    await env.close();
  }
}
