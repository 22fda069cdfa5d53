import type { PgBoss } from 'pg-boss';
import { noteWork } from '../db/outbox.ts';
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { startBoss } from './boss.ts';
import { bossRelay } from './relay.ts';

// Enqueued jobs keep the job table's planner statistics current (job-statistics.ts): pg-boss's
// fetch of a singleton queue, planned from none, probes every active job for every queued one.

let db: TestDatabase;
let boss: PgBoss;
let schema: string;

beforeAll(async () => {
  db = await openTestDatabase('job_stats');
  await seedOrg(db, 'acme');
  schema = `${db.schema}_jobs`;
  boss = await startBoss(db, { connectionString: TEST_DATABASE_URL, schema });
  db.relay = bossRelay(boss);
});
afterAll(async () => {
  db.relay = undefined;
  await boss.stop({ graceful: false });
  await db.close();
});

const enqueue = (from: number, count: number) =>
  db.withOrg('acme', async (trx) => {
    for (let i = from; i < from + count; i++)
      noteWork(trx, { kind: 'evaluate', orgId: 'acme', leaseId: `L${i}`, cause: 'test' });
  });

const analysedColumns = async () =>
  (
    await db.knex.raw<{ rows: { attname: string }[] }>(
      `select attname from pg_stats where schemaname = ? and tablename = 'job_common' order by attname`,
      [schema],
    )
  ).rows.map((r) => r.attname);

test('the job table is analysed once enough jobs were enqueued, on the columns the fetch uses', async () => {
  await enqueue(0, 400);
  expect(await analysedColumns()).toEqual([]);
  await enqueue(400, 700);
  const columns = await analysedColumns();
  expect(columns).toEqual(expect.arrayContaining(['name', 'singleton_key', 'start_after', 'state']));
  expect(columns).not.toContain('data');
  const [row] = (
    await db.knex.raw<{ rows: { n: number }[] }>(
      `select reltuples::int as n from pg_class where oid = to_regclass(?)`,
      [`"${schema}".job_common`],
    )
  ).rows;
  expect(row!.n).toBeGreaterThanOrEqual(1100);
});
