import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../http/app.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { seedTenant, startTestRunner, waitFor, type TestRunner } from './testing.ts';

// Triggers from the HTTP API to dispatched effects, through the worker: the ledger API, a
// manager's flag, a CRM status change; the sandbox outbox and dead letters are per org.
let db: TestDatabase;
let runner: TestRunner;
let app: Express;
let key: string;
let otherKey: string;
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');

beforeAll(async () => {
  db = await openTestDatabase('triggers');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }, { id: 'L3' }]);
  await seedOrg(db, 'other', [{ id: 'P1' }], [{ id: 'L1' }]);
  await db.knex('users').insert([
    { org_id: 'acme', id: 'M1', name: 'Maria Manager', role: 'manager' },
    { org_id: 'acme', id: 'A1', name: 'Alex Agent', role: 'agent' },
  ]);
  for (const lease of ['L1', 'L2', 'L3']) await seedTenant(db, 'acme', lease, `T-${lease}`, `+1415555010${lease[1]}`);
  key = (await issueApiKey(db, 'acme', 'test', now)).key;
  otherKey = (await issueApiKey(db, 'other', 'test', now)).key;
  runner = await startTestRunner(db, now);
  app = createApp({ db, clock: runner.clock, logger: pino({ level: 'silent' }), boss: runner.boss });
});
afterAll(async () => {
  await runner.stop();
  await db.close();
});

const outbox = async (auth: string, lease: string) =>
  (await request(app).get(`/v1/outbox?lease_id=${lease}`).set('authorization', `Bearer ${auth}`).expect(200)).body
    .messages as { effect_key: string; channel: string; body: string; content_sha256: string }[];

test('ledger API: an overdue rent charge reaches the tenant through the worker', async () => {
  await request(app)
    .post('/v1/ledger/events')
    .set('authorization', `Bearer ${key}`)
    .send({
      source: 'accounting',
      events: [
        {
          kind: 'charge',
          lease_id: 'L1',
          external_id: 'INV-1',
          charge_type: 'rent',
          amount_cents: 200_000,
          effective_on: '2026-03-04',
          due_on: '2026-03-04',
        },
      ],
    })
    .expect(200);
  const messages = await waitFor('a contact for L1', async () => {
    const m = await outbox(key, 'L1');
    return m.length ? m : undefined;
  });
  expect(messages[0]).toMatchObject({ effect_key: expect.stringMatching(/^L1:/), content_sha256: expect.any(String) });
  expect(await outbox(otherKey, 'L1')).toEqual([]);
});

test("a manager's flag is audited with the user and reaches the CRM port; an agent may not flag", async () => {
  await request(app)
    .post('/v1/leases/L2/flags')
    .set('authorization', `Bearer ${key}`)
    .send({ user_id: 'A1', reason: 'lost job' })
    .expect(403);
  const res = await request(app)
    .post('/v1/leases/L2/flags')
    .set('authorization', `Bearer ${key}`)
    .send({ user_id: 'M1', reason: 'lost job' })
    .expect(202);
  expect(res.body).toEqual({ lease_id: 'L2', accepted: true, evaluation: 'queued' });
  const crm = await waitFor('the CRM flag', async () => {
    const m = (await outbox(key, 'L2')).filter((x) => x.channel === 'crm');
    return m.length ? m : undefined;
  });
  expect(crm).toHaveLength(1);
  const audit = await db.withOrg('acme', (trx) =>
    trx('audit_log').where({ action: 'case.flag', subject_id: 'L2' }).first('actor'),
  );
  expect(audit).toEqual({ actor: 'M1' });
});

test('a CRM status change to at-risk opens an agent task', async () => {
  await request(app)
    .post('/v1/leases/L3/status')
    .set('authorization', `Bearer ${key}`)
    .send({ status: 'at_risk' })
    .expect(202);
  const task = await waitFor('the at-risk task', async () => {
    const m = (await outbox(key, 'L3')).filter((x) => x.channel === 'task');
    return m.length ? m : undefined;
  });
  expect(task[0]!.body).toContain('tenant-at-risk');
  await request(app)
    .post('/v1/leases/L3/status')
    .set('authorization', `Bearer ${key}`)
    .send({ status: 'evicted' })
    .expect(400);
  await request(app)
    .post('/v1/leases/NOPE/status')
    .set('authorization', `Bearer ${key}`)
    .send({ status: 'at_risk' })
    .expect(404);
});

test('dead letters are listed per org', async () => {
  await runner.boss.send('effect.dispatch.v1', { org_id: 'acme', bogus: true });
  const jobs = await waitFor('a dead letter', async () => {
    const res = await request(app).get('/v1/jobs/dead-letter').set('authorization', `Bearer ${key}`).expect(200);
    return res.body.jobs.length ? res.body.jobs : undefined;
  });
  expect(jobs[0]).toMatchObject({ data: { org_id: 'acme', bogus: true } });
  const other = await request(app).get('/v1/jobs/dead-letter').set('authorization', `Bearer ${otherKey}`).expect(200);
  expect(other.body.jobs).toEqual([]);
});
