import { Writable } from 'node:stream';
import request from 'supertest';
import type { Express } from 'express';
import { fixedClock } from '../clock.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { createApp } from './app.ts';
import { createLogger } from './logger.ts';

let db: TestDatabase;
let app: Express;
let keyA: string;
let keyB: string;
const logLines: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase('http');
  await seedOrg(db, 'org-a', [{ id: 'P1', timezone: 'America/Los_Angeles' }], [{ id: 'L1' }, { id: 'L2' }]);
  await seedOrg(db, 'org-b', [{ id: 'P1' }], [{ id: 'B1' }]);
  const now = new Date('2026-03-10T20:00:00Z');
  keyA = (await issueApiKey(db, 'org-a', 'test', now)).key;
  keyB = (await issueApiKey(db, 'org-b', 'test', now)).key;
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = createApp({ db, clock: fixedClock(now), logger: createLogger('info', sink) });
});
afterAll(() => db.close());

const events = [
  {
    kind: 'charge',
    charge_type: 'rent',
    lease_id: 'L1',
    external_id: 'R1',
    amount_cents: 200_000,
    effective_on: '2026-02-01',
  },
  {
    kind: 'charge',
    charge_type: 'rent',
    lease_id: 'L1',
    external_id: 'R2',
    amount_cents: 200_000,
    effective_on: '2026-03-01',
  },
  { kind: 'payment', lease_id: 'L1', external_id: 'P1', amount_cents: 50_000, effective_on: '2026-03-02' },
];

test('GET /healthz answers without a key', async () => {
  const res = await request(app).get('/healthz').expect(200);
  expect(res.body).toEqual({ status: 'ok', database: 'postgres' });
});

test('GET /openapi.json is generated from the shared schemas', async () => {
  const res = await request(app).get('/openapi.json').expect(200);
  expect(res.body.openapi).toBe('3.1.0');
  expect(Object.keys(res.body.paths)).toEqual([
    '/healthz',
    '/v1/leases/{id}',
    '/v1/leases/{id}/card',
    '/v1/ledger/events',
    '/v1/leases/{id}/flags',
    '/v1/leases/{id}/status',
    '/v1/leases/{id}/requests',
    '/v1/leases/{id}/holds',
    '/v1/leases/{id}/holds/{hold}/release',
    '/v1/leases/{id}/approvals',
    '/v1/outbox',
    '/v1/jobs/dead-letter',
    '/v1/org/settings',
    '/openapi.json',
    '/webhooks/{scheme}/{org}',
  ]);
  const lease = res.body.paths['/v1/leases/{id}'].get.responses['200'].content['application/json'].schema;
  expect(lease.properties.aging.properties.days_past_due).toMatchObject({ type: 'integer' });
  const body = res.body.paths['/v1/ledger/events'].post.requestBody.content['application/json'].schema;
  expect(body.properties.events.maxItems).toBe(10_000);
});

test('the API refuses a missing, malformed or unknown key', async () => {
  const missing = await request(app).get('/v1/leases/L1').expect(401);
  expect(missing.body.error).toMatchObject({
    code: 'unauthenticated',
    message: expect.stringContaining('Missing API key'),
  });
  await request(app).get('/v1/leases/L1').set('Authorization', 'Bearer nope').expect(401);
  const forged = keyA.slice(0, -4) + 'AAAA';
  await request(app).get('/v1/leases/L1').set('Authorization', `Bearer ${forged}`).expect(401);
});

test('POST /v1/ledger/events ingests, is idempotent, and reports bad rows by index and field', async () => {
  const first = await request(app)
    .post('/v1/ledger/events')
    .set('Authorization', `Bearer ${keyA}`)
    .send({ events: [...events, { ...events[0], external_id: 'BAD', amount_cents: 1.5 }] })
    .expect(200);
  expect(first.body).toMatchObject({ received: 4, inserted: 3, duplicates: 0, committed: true });
  expect(first.body.rejected).toEqual([
    {
      row: 4,
      external_id: 'BAD',
      code: 'invalid',
      field: 'amount_cents',
      message: 'amount_cents: expected an integer number of cents',
    },
  ]);
  const again = await request(app)
    .post('/v1/ledger/events')
    .set('Authorization', `Bearer ${keyA}`)
    .send({ events })
    .expect(200);
  expect(again.body).toMatchObject({ inserted: 0, duplicates: 3 });
});

test('strict batches are all or nothing (422)', async () => {
  const res = await request(app)
    .post('/v1/ledger/events')
    .set('Authorization', `Bearer ${keyA}`)
    .send({
      strict: true,
      events: [
        { ...events[0], external_id: 'S1' },
        { ...events[0], external_id: 'S2', lease_id: 'NOPE' },
      ],
    })
    .expect(422);
  expect(res.body).toMatchObject({ committed: false, inserted: 0, rejected: [{ row: 2, code: 'unknown_lease' }] });
});

test('request validation names the path of every problem', async () => {
  const res = await request(app)
    .post('/v1/ledger/events')
    .set('Authorization', `Bearer ${keyA}`)
    .send({ source: 'Not A Source!', events: [] })
    .expect(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.source', 'body.events']);
  const tooMany = await request(app)
    .post('/v1/ledger/events')
    .set('Authorization', `Bearer ${keyA}`)
    .send({ events: Array.from({ length: 10_001 }, () => ({})) })
    .expect(400);
  expect(tooMany.body.error.details[0]).toEqual({ path: 'body.events', message: 'at most 10000 events per request' });
  const badJson = await request(app)
    .post('/v1/ledger/events')
    .set('Authorization', `Bearer ${keyA}`)
    .set('Content-Type', 'application/json')
    .send('{"events": [')
    .expect(400);
  expect(badJson.body.error).toEqual({ code: 'invalid_request', message: 'Request body is not valid JSON' });
});

test('GET /v1/leases/:id shows balance, days past due, aging and open charges', async () => {
  const res = await request(app)
    .get('/v1/leases/L1?as_of=2026-03-10')
    .set('Authorization', `Bearer ${keyA}`)
    .expect(200);
  expect(res.body).toMatchObject({
    id: 'L1',
    property_id: 'P1',
    aging: {
      as_of: '2026-03-10',
      balance_cents: 350_000,
      days_past_due: 37,
      oldest_unpaid_due_on: '2026-02-01',
      aging: { d0_30_cents: 200_000, d31_60_cents: 150_000 },
    },
  });
  expect(
    res.body.open_charges.map((c: { external_id: string; open_cents: number }) => [c.external_id, c.open_cents]),
  ).toEqual([
    ['R1', 150_000],
    ['R2', 200_000],
  ]);
  // Without as_of: "today" in the property's zone (Mar 10 12:00 in Los Angeles).
  const today = await request(app).get('/v1/leases/L1').set('Authorization', `Bearer ${keyA}`).expect(200);
  expect(today.body.aging.as_of).toBe('2026-03-10');
  const bad = await request(app)
    .get('/v1/leases/L1?as_of=2026-13-01')
    .set('Authorization', `Bearer ${keyA}`)
    .expect(400);
  expect(bad.body.error.details[0].path).toBe('query.as_of');
});

test('another org’s lease does not exist for this key', async () => {
  await request(app).get('/v1/leases/B1').set('Authorization', `Bearer ${keyA}`).expect(404);
  await request(app).get('/v1/leases/L1').set('Authorization', `Bearer ${keyB}`).expect(404);
});

test('API keys never reach the logs', () => {
  const all = logLines.join('');
  expect(all).toContain('"path":"/v1/leases/L1"');
  expect(all).not.toContain(keyA.slice(4));
  expect(all).not.toContain(keyB.slice(4));
});
