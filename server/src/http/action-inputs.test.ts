import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { fixedClock } from '../clock.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { postRent, seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { createApp } from './app.ts';

// Holds and requests a probe sent that the engine could not take (dates the holiday calendars do
// not cover: a 500), or took silently (an id reused on another lease or for another action, a
// hold that ends before it starts).
let db: TestDatabase;
let app: Express;
let key: string;
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');

beforeAll(async () => {
  db = await openTestDatabase('action_inputs');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }]);
  await db.knex('users').insert([{ org_id: 'acme', id: 'A1', name: 'Alex Agent', role: 'agent' }]);
  await postRent(db, 'acme', ['L1', 'L2'], '2026-02-01', now);
  key = (await issueApiKey(db, 'acme', 'test', now)).key;
  app = createApp({ db, clock: fixedClock(now), logger: pino({ level: 'silent' }) });
});
afterAll(() => db.close());

const post = (path: string, body: object) => request(app).post(path).set('authorization', `Bearer ${key}`).send(body);
const refusedAt = async (res: request.Test, paths: string[]) => {
  const { body } = await res.expect(400);
  expect(body.error.code).toBe('invalid_request');
  expect(body.error.details.map((d: { path: string }) => d.path)).toEqual(paths);
  return body.error.details as { path: string; message: string }[];
};
const holdsOn = (lease: string) => db.knex('holds').where({ org_id: 'acme', lease_id: lease }).pluck('id');

test('hold dates outside the years the holiday calendars cover are 400 with their paths, not 500', async () => {
  const [promise] = await refusedAt(
    post('/v1/leases/L1/holds', {
      id: 'Y-1',
      kind: 'promise_to_pay',
      user_id: 'A1',
      promises: [{ by: '2020-01-01', amount_cents: 100 }],
    }),
    ['body.promises[0].by'],
  );
  expect(promise!.message).toMatch(/2024-2032/);
  await refusedAt(
    post('/v1/leases/L1/holds', {
      id: 'Y-2',
      kind: 'manual',
      user_id: 'A1',
      from: '2023-06-01',
      until: '2033-07-01',
    }),
    ['body.from', 'body.until'],
  );
  await refusedAt(
    post('/v1/leases/L1/holds', {
      id: 'Y-3',
      kind: 'payment_plan',
      user_id: 'A1',
      installments: [
        { by: '2026-04-01', amount_cents: 100 },
        { by: '2040-01-01', amount_cents: 100 },
      ],
    }),
    ['body.installments[1].by'],
  );
  expect(await holdsOn('L1')).toEqual([]);
  // The last covered day is still a hold like any other.
  const edge = await post('/v1/leases/L1/holds', {
    id: 'Y-4',
    kind: 'promise_to_pay',
    user_id: 'A1',
    promises: [{ by: '2032-12-31', amount_cents: 100 }],
  });
  expect(edge.status).toBe(200);
});

test('a hold that ends before it starts is 400 on body.until', async () => {
  const [until] = await refusedAt(
    post('/v1/leases/L2/holds', { id: 'U-1', kind: 'manual', user_id: 'A1', from: '2026-03-05', until: '2026-03-01' }),
    ['body.until'],
  );
  expect(until!.message).toMatch(/2026-03-05/);
  // Without `from` it starts today (2026-03-10 on the lease's clock).
  await refusedAt(post('/v1/leases/L2/holds', { id: 'U-2', kind: 'manual', user_id: 'A1', until: '2026-03-09' }), [
    'body.until',
  ]);
  expect(await holdsOn('L2')).toEqual([]);
  const oneDay = await post('/v1/leases/L2/holds', { id: 'U-3', kind: 'manual', user_id: 'A1', until: '2026-03-10' });
  expect(oneDay.status).toBe(200);
  expect(oneDay.body.actions).toContainEqual(expect.objectContaining({ type: 'hold', status: 'posted' }));
});

test('a hold id already used on another lease is a blocked conflict there, not a silent no-op', async () => {
  const hold = { id: 'H-SHARED', kind: 'manual', user_id: 'A1', until: '2026-12-20' };
  await post('/v1/leases/L1/holds', hold).expect(200);
  const again = await post('/v1/leases/L2/holds', hold).expect(200);
  expect(again.body.actions).toEqual([
    expect.objectContaining({ type: 'hold', status: 'blocked', reason: 'conflict' }),
  ]);
  expect(await holdsOn('L2')).not.toContain('H-SHARED');
  // Sent to L2 again: the same refusal, not a second one.
  expect((await post('/v1/leases/L2/holds', hold).expect(200)).body.actions).toEqual([]);
  // On its own lease it is still the same hold again.
  expect((await post('/v1/leases/L1/holds', hold).expect(200)).body.actions).toEqual([]);
});

test('a request id re-sent with another action is a blocked conflict; the same request again changes nothing', async () => {
  const letter = { id: 'REQ-X', action: 'letter', user_id: 'A1' };
  const first = await post('/v1/leases/L1/requests', letter).expect(200);
  expect(first.body.actions).toEqual([expect.objectContaining({ type: 'letter', status: 'scheduled' })]);
  expect((await post('/v1/leases/L1/requests', letter).expect(200)).body.actions).toEqual([]);
  const email = await post('/v1/leases/L1/requests', { ...letter, action: 'email' }).expect(200);
  expect(email.body.actions).toEqual([
    expect.objectContaining({ type: 'email', status: 'blocked', reason: 'conflict', request: 'REQ-X' }),
  ]);
  expect((await post('/v1/leases/L1/requests', { ...letter, action: 'email' }).expect(200)).body.actions).toEqual([]);
  // Another notice under a notice request's id is a conflict too; the same notice is not.
  const notice = { id: 'REQ-N', action: 'notice', notice: 'pay_or_quit', user_id: 'A1' };
  await post('/v1/leases/L1/requests', notice).expect(200);
  expect((await post('/v1/leases/L1/requests', notice).expect(200)).body.actions).toEqual([]);
  const other = await post('/v1/leases/L1/requests', { ...notice, notice: 'validation' }).expect(200);
  expect(other.body.actions).toEqual([
    expect.objectContaining({ type: 'notice', status: 'blocked', reason: 'conflict', request: 'REQ-N' }),
  ]);
  // The letter was not replaced.
  const effects = await db.knex('effects').where({ org_id: 'acme', key: 'L1:request:REQ-X' }).pluck('type');
  expect(effects).toEqual(['letter']);
});
