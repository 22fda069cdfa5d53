import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PolicyDocument } from '@arrears/shared';
import type { PgBoss } from 'pg-boss';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import { TEST_DATABASE_URL, openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { addCalendarDays, localDate } from '../time/zoned.ts';
import { startBoss } from './boss.ts';
import { JOBS } from './jobs.ts';
import { bossRelay } from './relay.ts';
import { middayZone, seedBulkPortfolio, waitFor } from './testing.ts';

// Crash harness, bounded and loopback only: two `arrears worker` processes run a 2,000-lease
// escalation while one of them is killed with SIGKILL at random moments (12 times) and
// restarted. Afterwards: no tenant contacted twice for one step, no ledger event lost, no case
// or effect left stuck.
const LEASES = 2_000;
const KILLS = 12;
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../main.ts');
let db: TestDatabase;
let boss: PgBoss;
const workers: (ChildProcess | undefined)[] = [];

// Workers run on the real clock; a zone where it is midday now keeps quiet hours out of the way.
const ZONE = middayZone();

const policy = PolicyDocument.parse({
  id: 'crash',
  name: 'Crash harness',
  levels: [
    {
      id: 'L1',
      days: { min: 1 },
      steps: [
        { id: 'email', day: 1, at: '00:00', action: 'email' },
        { id: 'text', day: 2, at: '00:00', action: 'sms' },
      ],
    },
  ],
  late_fees: { enabled: false },
});

function startWorker(slot: number): void {
  const child = spawn(process.execPath, [MAIN, 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: TEST_DATABASE_URL,
      ARREARS_DB_SCHEMA: db.schema,
      ARREARS_JOBS_SCHEMA: `${db.schema}_jobs`,
      ARREARS_JOB_EXPIRE_SECONDS: '6',
      ARREARS_DB_POOL_MAX: '4',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  workers[slot] = child;
}

async function kill(slot: number): Promise<void> {
  const child = workers[slot];
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  db = await openTestDatabase('crash');
  await seedBulkPortfolio(db, 'acme', LEASES, ZONE, policy);
  // This process only enqueues (like the API): its ingests carry their evaluation jobs.
  boss = await startBoss(db, { connectionString: TEST_DATABASE_URL, schema: `${db.schema}_jobs`, expireInSeconds: 6 });
  db.relay = bossRelay(boss);
}, 120_000);

afterAll(async () => {
  for (let slot = 0; slot < workers.length; slot++) await kill(slot);
  await boss?.stop({ graceful: false });
  await db?.close();
});

test('kill -9 a worker 12 times during a 2,000-lease run: no duplicate contact, nothing lost, nothing stuck', async () => {
  const today = localDate(new Date(), ZONE);
  const due = addCalendarDays(today, -2);
  const ids: string[] = await db.knex('leases').orderBy('id').pluck('id');
  startWorker(0);
  startWorker(1);
  // Ledger events keep arriving while workers die: charges first, then payments curing a tenth.
  const ingest = (async () => {
    for (let i = 0; i < ids.length; i += 250) {
      const slice = ids.slice(i, i + 250);
      await ingestLedgerEvents(
        db,
        { orgId: 'acme', source: 'books', actor: 'test', now: new Date() },
        slice.map((id, n) => ({
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
    }
    const payers = ids.filter((_, i) => i % 10 === 0);
    await ingestLedgerEvents(
      db,
      { orgId: 'acme', source: 'books', actor: 'test', now: new Date() },
      payers.map((id, n) => ({
        row: n + 1,
        value: { kind: 'payment', lease_id: id, external_id: `P-${id}`, amount_cents: 100_000, effective_on: today },
      })),
    );
  })();
  // A seeded sequence of kill moments, 300–1,300 ms apart.
  let seed = 20261123;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < KILLS; k++) {
    await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1000));
    const slot = random() < 0.5 ? 0 : 1;
    await kill(slot);
    startWorker(slot);
  }
  await ingest;
  // Let the survivors finish: killed workers' jobs come back after their expiry (6 s), as
  // retries whose start is the backoff's (a few seconds ahead): those count as pending however
  // far ahead; only jobs created for later (tomorrow's timers) do not.
  await waitFor(
    'the queues to drain',
    async () => {
      const pending = await db.knex.raw<{ rows: { n: string }[] }>(
        `select count(*) as n from ??.job where name in (?, ?, ?)
           and (state in ('retry', 'active') or (state = 'created' and start_after <= now()))`,
        [`${db.schema}_jobs`, JOBS.evaluate.queue, JOBS.dispatch.queue, JOBS.timer.queue],
      );
      const scheduled = await db
        .knex('effects')
        .where({ status: 'scheduled' })
        .andWhere('due_at', '<=', new Date())
        .count({ n: '*' });
      return Number(pending.rows[0]!.n) === 0 && Number(scheduled[0]!.n) === 0 ? true : undefined;
    },
    150_000,
  );

  // No ledger event lost.
  const entries = await db.knex('ledger_entries').count({ n: '*' });
  expect(Number(entries[0]!.n)).toBe(LEASES + LEASES / 10);
  // No tenant contacted twice for one step: one outbox record per effect, and every sent
  // contact has exactly its record.
  const duplicates = await db
    .knex('sandbox_outbox')
    .select('effect_key')
    .groupBy('effect_key')
    .havingRaw('count(*) > 1');
  expect(duplicates).toEqual([]);
  const sent = await db
    .knex('effects')
    .whereIn('type', ['email', 'sms'])
    .andWhere({ status: 'sent' })
    .count({ n: '*' });
  const recorded = await db.knex('sandbox_outbox').whereIn('channel', ['email', 'sms']).count({ n: '*' });
  expect(Number(recorded[0]!.n)).toBe(Number(sent[0]!.n));
  // Nothing stuck: every lease still owing has its case open and its email step done.
  const owing = ids.filter((_, i) => i % 10 !== 0);
  const open = await db.knex('cases').where({ status: 'open' }).pluck('lease_id');
  expect(new Set(open)).toEqual(new Set(owing));
  // Payers may have been emailed before their payment arrived; everyone still owing was.
  const emailed = new Set(await db.knex('effects').where({ type: 'email', status: 'sent' }).pluck('lease_id'));
  expect(owing.filter((id) => !emailed.has(id))).toEqual([]);
  expect(
    await db
      .knex('effects')
      .whereIn('status', ['sending', 'scheduled'])
      .andWhere('due_at', '<=', new Date())
      .count({ n: '*' }),
  ).toEqual([{ n: 0 }]);
  const dead = await boss.findJobs('dead-letter.v1', {});
  expect(dead).toEqual([]);
}, 300_000);
