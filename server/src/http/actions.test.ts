import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { fixedClock } from '../clock.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { seedTenant } from '../runner/testing.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { postRent, seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { createApp } from './app.ts';

// The card's one-click actions and Slack's approvals over HTTP: the engine decides at once, a
// refusal is a blocked action (not an HTTP error), each is audited with the user who acted.
let db: TestDatabase;
let app: Express;
let key: string;
let otherKey: string;
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');

beforeAll(async () => {
  db = await openTestDatabase('actions');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }]);
  await seedOrg(db, 'other', [{ id: 'P1' }], [{ id: 'X1' }]);
  await db.knex('users').insert([
    { org_id: 'acme', id: 'A1', name: 'Alex Agent', role: 'agent' },
    { org_id: 'acme', id: 'M1', name: 'Maria Manager', role: 'manager' },
    { org_id: 'acme', id: 'C1', name: 'Casey Counsel', role: 'counsel' },
  ]);
  for (const lease of ['L1', 'L2']) await seedTenant(db, 'acme', lease, `T-${lease}`, `+1415555010${lease[1]}`);
  // February's rent unpaid: 37 days late on Mar 10.
  await postRent(db, 'acme', ['L1', 'L2'], '2026-02-01', now);
  key = (await issueApiKey(db, 'acme', 'test', now)).key;
  otherKey = (await issueApiKey(db, 'other', 'test', now)).key;
  app = createApp({ db, clock: fixedClock(now), logger: pino({ level: 'silent' }) });
});
afterAll(() => db.close());

const post = (path: string, body: object, auth = key) =>
  request(app).post(path).set('authorization', `Bearer ${auth}`).send(body);

test("an agent's notice request waits for approval; the agent cannot approve it, a manager can", async () => {
  const drafted = await post('/v1/leases/L1/requests', {
    id: 'REQ-1',
    action: 'notice',
    notice: 'pay_or_quit',
    user_id: 'A1',
  }).expect(200);
  expect(drafted.body.actions).toEqual([
    expect.objectContaining({ type: 'approval_request', status: 'awaiting_approval', request: 'REQ-1' }),
  ]);
  // A retried call with the same id counts once.
  expect(
    (
      await post('/v1/leases/L1/requests', {
        id: 'REQ-1',
        action: 'notice',
        notice: 'pay_or_quit',
        user_id: 'A1',
      }).expect(200)
    ).body.actions,
  ).toEqual([]);

  const byAgent = await post('/v1/leases/L1/approvals', { target: 'REQ-1', decision: 'approve', user_id: 'A1' }).expect(
    200,
  );
  expect(byAgent.body.actions).toEqual([
    expect.objectContaining({ type: 'approval', status: 'blocked', reason: 'drafter_cannot_approve' }),
  ]);

  const approved = await post('/v1/leases/L1/approvals', {
    target: 'REQ-1',
    decision: 'approve',
    user_id: 'M1',
  }).expect(200);
  expect(approved.body.actions).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'approval_request', status: 'approved', request: 'REQ-1' }),
      expect.objectContaining({ type: 'notice', status: 'scheduled', request: 'REQ-1' }),
    ]),
  );
  const audit = await db.knex('audit_log').where({ org_id: 'acme' }).whereIn('actor', ['A1', 'M1']).pluck('actor');
  expect(new Set(audit)).toEqual(new Set(['A1', 'M1']));
});

test('holds: a promise is entered once; other terms under its id are a conflict; only counsel lifts a bankruptcy', async () => {
  const promise = {
    id: 'PTP-1',
    kind: 'promise_to_pay',
    user_id: 'A1',
    promises: [{ by: '2026-03-20', amount_cents: 200_000 }],
  };
  const entered = await post('/v1/leases/L2/holds', promise).expect(200);
  expect(entered.body.actions).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'hold', status: 'posted' })]),
  );
  expect((await post('/v1/leases/L2/holds', promise).expect(200)).body.actions).toEqual([]);
  const other = await post('/v1/leases/L2/holds', {
    ...promise,
    promises: [{ by: '2026-04-30', amount_cents: 200_000 }],
  }).expect(200);
  expect(other.body.actions).toEqual([
    expect.objectContaining({ type: 'hold', status: 'blocked', reason: 'conflict' }),
  ]);

  await post('/v1/leases/L2/holds', { id: 'BK-1', kind: 'bankruptcy', chapter: 13, user_id: 'A1' }).expect(200);
  const byManager = await post('/v1/leases/L2/holds/BK-1/release', {
    user_id: 'M1',
    reason: 'stay_relief_order',
  }).expect(200);
  expect(byManager.body.actions).toEqual([
    expect.objectContaining({ type: 'hold_release', status: 'blocked', reason: 'counsel_only' }),
  ]);
  const byCounsel = await post('/v1/leases/L2/holds/BK-1/release', {
    user_id: 'C1',
    reason: 'stay_relief_order',
  }).expect(200);
  expect(byCounsel.body.actions).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'hold_release', status: 'posted' })]),
  );
  expect(await db.knex('holds').where({ org_id: 'acme', id: 'BK-1' }).first('status')).toEqual({ status: 'released' });
});

test('bad input is refused with its paths; an unknown lease, hold or user, or another org, is not found', async () => {
  const bad = await post('/v1/leases/L1/holds', { id: 'H', kind: 'promise_to_pay', user_id: 'A1' }).expect(400);
  expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'body.promises' })]);
  const noReason = await post('/v1/leases/L1/approvals', { target: 'REQ-1', decision: 'reject', user_id: 'M1' }).expect(
    400,
  );
  expect(noReason.body.error.details).toEqual([expect.objectContaining({ path: 'body.reason' })]);
  const nobody = await post('/v1/leases/L1/requests', { id: 'R', action: 'call', user_id: 'ghost' }).expect(400);
  expect(nobody.body.error.details).toEqual([{ path: 'body.user_id', message: 'unknown user' }]);
  await post('/v1/leases/NOPE/requests', { id: 'R', action: 'call', user_id: 'A1' }).expect(404);
  await post('/v1/leases/L1/holds/NOPE/release', { user_id: 'C1', reason: 'x' }).expect(404);
  // Org isolation: another org's key sees no lease L1 at all.
  await post('/v1/leases/L1/requests', { id: 'R', action: 'call', user_id: 'A1' }, otherKey).expect(404);
});

test('the OpenAPI document lists the action routes', async () => {
  const spec = (await request(app).get('/openapi.json').expect(200)).body;
  for (const path of [
    '/v1/leases/{id}/requests',
    '/v1/leases/{id}/holds',
    '/v1/leases/{id}/holds/{hold}/release',
    '/v1/leases/{id}/approvals',
  ])
    expect(spec.paths[path]?.post).toBeDefined();
});
