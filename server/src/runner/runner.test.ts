import { PolicyDocument } from '@arrears/shared';
import { publishPolicy } from '../escalation/policies.ts';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { JOBS } from './jobs.ts';
import { seedTenant, startTestRunner, waitFor, type TestRunner } from './testing.ts';

// The runner end to end on PostgreSQL: triggers become pg-boss jobs in the same transaction as
// the rows that caused them, workers evaluate and dispatch, the sandbox records what was sent.
let db: TestDatabase;
let runner: TestRunner;
const TZ = 'America/Los_Angeles';
const at = (day: string, time = '00:00') => zonedInstant(day, time, TZ);

const house = PolicyDocument.parse({
  id: 'house',
  name: 'House',
  levels: [
    {
      id: 'L1',
      days: { min: 1 },
      steps: [
        { id: 'nudge', day: 2, action: 'email' },
        { id: 'text', day: 3, action: 'sms' },
      ],
    },
  ],
  late_fees: { enabled: false },
});

const charge = (lease: string, id: string) => ({
  kind: 'charge',
  lease_id: lease,
  external_id: id,
  charge_type: 'rent',
  amount_cents: 150_000,
  effective_on: '2026-03-01',
  due_on: '2026-03-01',
});

const outbox = (key: string) =>
  db.withOrg('acme', (trx) => trx('sandbox_outbox').where({ effect_key: key }).select('channel', 'recipients', 'body'));
const outboxOf = (lease: string) =>
  db.withOrg('acme', (trx) => trx('sandbox_outbox').where({ lease_id: lease }).orderBy('id').pluck('effect_key'));

beforeAll(async () => {
  db = await openTestDatabase('runner');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }, { id: 'L3' }]);
  await db
    .knex('orgs')
    .where({ org_id: 'acme' })
    .update({ settings: { policies: { residential: 'house' }, scan_overdue_days: [3, 10, 30] } });
  await seedTenant(db, 'acme', 'L1', 'T1', '+14155550101');
  await seedTenant(db, 'acme', 'L2', 'T2', '+14155550102');
  await seedTenant(db, 'acme', 'L3', 'T3', '+14155550103');
  await db.withOrg('acme', (trx) => publishPolicy(trx, 'acme', house, 'admin', at('2026-02-01')));
  // Recorded before any runner existed (an import with no worker): only the scan can find it.
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'import', actor: 'test', now: at('2026-03-01') }, [
    { row: 1, value: charge('L2', 'R-L2') },
  ]);
  runner = await startTestRunner(db, at('2026-03-04', '12:00'));
});
afterAll(async () => {
  await runner.stop();
  await db.close();
});

test('a new ledger record is evaluated and its due steps are dispatched through the sandbox', async () => {
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'api', actor: 'test', now: at('2026-03-04', '12:00') }, [
    { row: 1, value: charge('L1', 'R-L1') },
  ]);
  const sent = await waitFor('the day-2 email in the sandbox outbox', async () => {
    const rows = await outbox('L1:nudge:2026-03-01');
    return rows.length ? rows : undefined;
  });
  expect(sent).toEqual([
    expect.objectContaining({
      channel: 'email',
      recipients: [{ email: 't1@tenant.test', name: 'Tenant T1' }],
      body: expect.stringContaining('(lease L1) is $1,500.00.'),
    }),
  ]);
  // The next step is a day later: the engine's timer is a job; on the simulated clock the scan
  // stands in for it.
  runner.clock.set(at('2026-03-05', '12:00'));
  await runner.boss.send(JOBS.scan.queue, { org_id: 'acme' });
  const text = await waitFor('the day-3 text', async () => {
    const rows = await outbox('L1:text:2026-03-01');
    return rows.length ? rows : undefined;
  });
  expect(text).toEqual([expect.objectContaining({ channel: 'sms', recipients: ['+14155550101'] })]);
  const effect = await db.withOrg('acme', (trx) => trx('effects').where({ key: 'L1:nudge:2026-03-01' }).first());
  expect(effect).toMatchObject({ status: 'sent', provider: 'sandbox' });
});

test('a worker starting after downtime scans at once and finds a lease past the org overdue threshold', async () => {
  // L2's charge was recorded before any runner existed; only the scan can have found it.
  const sent = await waitFor('the scan to dispatch L2', async () => {
    const keys = await outboxOf('L2');
    return keys.length ? keys : undefined;
  });
  expect(sent[0]).toMatch(/^L2:(nudge|text):2026-03-01$/);
});

test('a dispatch enqueued many times sends once', async () => {
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'api', actor: 'test', now: at('2026-03-04', '12:00') }, [
    { row: 1, value: charge('L3', 'R-L3') },
  ]);
  const [key] = await waitFor('an L3 contact', async () => {
    const keys = await outboxOf('L3');
    return keys.length ? keys : undefined;
  });
  for (let i = 0; i < 3; i++) await runner.boss.send(JOBS.dispatch.queue, { org_id: 'acme', key: key! });
  await runner.boss.send(JOBS.scan.queue, { org_id: 'acme' });
  await waitFor('the repeated jobs to finish', async () => {
    const jobs = await runner.boss.findJobs(JOBS.dispatch.queue, { data: { key } });
    return jobs.every((j) => j.state === 'completed') ? true : undefined;
  });
  expect(await outbox(key!)).toHaveLength(1);
  const audit = await db.withOrg('acme', (trx) => trx('audit_log').where({ subject_id: key! }).pluck('action'));
  expect(audit).toEqual(['effect.scheduled', 'effect.sent']);
});

test('a malformed job payload goes straight to the dead letters', async () => {
  const id = await runner.boss.send(JOBS.dispatch.queue, { org_id: 'acme' });
  const dead = await waitFor('the dead letter', async () => {
    const jobs = await runner.boss.findJobs('dead-letter.v1', {});
    return jobs.find(
      (j) => (j.data as { key?: string; org_id: string }).org_id === 'acme' && !('key' in (j.data as object)),
    )
      ? jobs
      : undefined;
  });
  expect(id).toBeTruthy();
  expect(dead.length).toBeGreaterThan(0);
});
