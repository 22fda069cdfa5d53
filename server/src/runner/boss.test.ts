import type { PgBoss } from 'pg-boss';
import { TEST_DATABASE_URL, openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { startBoss, transactionAdapter } from './boss.ts';
import { JOBS } from './jobs.ts';

// Workers started at the same moment against a database whose jobs schema is new (a deploy
// that starts several, the pipeline bench) must all start: the queue set-up and the grants to
// the application role are catalog updates that PostgreSQL refuses to run side by side
// ("tuple concurrently updated"), so startBoss takes them one process at a time.
let db: TestDatabase;
const schemas: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase('boss_start');
});

afterAll(async () => {
  for (const schema of schemas) await db.knex.raw('drop schema if exists ?? cascade', [schema]);
  await db.close();
});

test('several workers starting together on a new jobs schema all start, and the app role can enqueue', async () => {
  for (const round of ['a', 'b', 'c']) {
    const schema = `${db.schema}_jobs_${round}`;
    schemas.push(schema);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () => startBoss(db, { connectionString: TEST_DATABASE_URL, schema })),
    );
    const started: PgBoss[] = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      // Enqueued inside an org transaction, as the outbox relay does: as the application role.
      await db.withOrg('any-org', (trx) =>
        started[0]!.insert(JOBS.scan.queue, [{ data: {} }], { db: transactionAdapter(trx) }),
      );
      expect(await started[0]!.getQueueStats(JOBS.scan.queue)).toEqual([expect.objectContaining({ queuedCount: 1 })]);
      const queues = (await started[1]!.getQueues()).map((q) => q.name);
      expect(queues).toEqual(expect.arrayContaining(Object.values(JOBS).map((job) => job.queue)));
    } finally {
      await Promise.all(started.map((boss) => boss.stop({ graceful: false })));
    }
  }
}, 60_000);
