import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { fixedClock } from '../clock.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { createApp } from './app.ts';

// CRM workflow rules retry and fire again: the same status change or the same manager's flag
// (same day, same reason) is recorded once, so agents get one task, not one per call.
let db: TestDatabase;
let app: Express;
let key: string;

beforeAll(async () => {
  db = await openTestDatabase('trigger_retries');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }]);
  await db.knex('users').insert({ org_id: 'acme', id: 'M1', name: 'Maria Manager', role: 'manager' });
  const now = new Date('2026-03-10T18:00:00Z');
  key = (await issueApiKey(db, 'acme', 'test', now)).key;
  app = createApp({ db, clock: fixedClock(now), logger: pino({ level: 'silent' }) });
});
afterAll(() => db.close());

const post = (path: string, body: object) => request(app).post(path).set('authorization', `Bearer ${key}`).send(body);
const effects = (type: string) =>
  db.knex('effects').where({ org_id: 'acme', lease_id: 'L1', type }).select('key', 'payload');

test('an at-risk status sent twice opens one task', async () => {
  await post('/v1/leases/L1/status', { status: 'at_risk' }).expect(202);
  await post('/v1/leases/L1/status', { status: 'at_risk' }).expect(202);
  expect(await effects('task')).toHaveLength(1);
});

test("the same manager's flag twice the same day is one CRM flag, carrying the manager's reason", async () => {
  await post('/v1/leases/L1/flags', { user_id: 'M1', reason: 'lost job' }).expect(202);
  await post('/v1/leases/L1/flags', { user_id: 'M1', reason: 'lost job' }).expect(202);
  await post('/v1/leases/L1/flags', { user_id: 'M1', reason: 'moved abroad' }).expect(202);
  const flags = await effects('crm_update');
  expect(flags.map((f) => f.payload.flag).sort()).toEqual(['lost job', 'moved abroad']);
});
