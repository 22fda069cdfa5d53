import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { JOBS } from '../runner/jobs.ts';
import { startTestRunner, waitFor, type TestRunner } from '../runner/testing.ts';
import { cipherFromKey } from '../secrets/cipher.ts';
import { storeCredentials } from '../secrets/credentials.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { signAccountingWebhook } from './schemes/accounting.ts';
import { webhookTestApp } from './testing.ts';

// The signed accounting webhook against what senders get wrong: a NUL in a record (the good
// records of the delivery still reach the ledger), a delivery id reused for another body (409,
// not a silent duplicate), and a source name the ledger API refuses (400, as the API does).
let db: TestDatabase;
let runner: TestRunner;
let app: Express;
const SECRET = 'whsec_test_only';
const now = zonedInstant('2026-12-10', '11:00', 'America/Los_Angeles');
const cipher = cipherFromKey(crypto.randomBytes(32));

beforeAll(async () => {
  db = await openTestDatabase('ingress_hardening');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }]);
  await db.withOrg('acme', (trx) =>
    storeCredentials(trx, cipher, 'acme', 'accounting', { webhook_secret: SECRET }, now),
  );
  runner = await startTestRunner(db, now);
  app = webhookTestApp(db, runner, cipher);
});
afterAll(async () => {
  await runner.stop();
  await db.close();
});

const payment = (external_id: string, extra: Record<string, unknown> = {}) => ({
  kind: 'payment',
  lease_id: 'L1',
  external_id,
  amount_cents: 5_000,
  effective_on: '2026-12-09',
  ...extra,
});

const deliver = (delivery: string, body: string) =>
  request(app)
    .post('/webhooks/accounting/acme')
    .set('content-type', 'application/json')
    .set('x-arrears-delivery', delivery)
    .set('x-arrears-signature', signAccountingWebhook(SECRET, body, now))
    .send(body);

const counts = async () => ({
  stored: Number((await db.knex('inbound_events').count({ n: '*' }))[0]!.n),
  jobs: (await runner.boss.findJobs(JOBS.webhook.queue, {})).length,
});

const processed = (delivery: string) =>
  waitFor(`delivery ${delivery} processed`, () =>
    db.withOrg('acme', (trx) =>
      trx('inbound_events').where({ event_id: delivery }).whereNotNull('processed_at').first('outcome'),
    ),
  );

test('a NUL in one record: the delivery is stored, that row is rejected by number and field, the payment posts', async () => {
  const body = JSON.stringify({
    source: 'books',
    events: [payment('nul-1', { memo: 'a\u0000b' }), payment('wh-good')],
  });
  expect((await deliver('del-nul', body).expect(200)).body).toEqual({ received: 1, new: 1, duplicates: 0 });
  expect(await processed('del-nul')).toEqual({ outcome: 'inserted 1, duplicates 0, rejected 1' });
  const entries = await db.withOrg('acme', (trx) =>
    trx('ledger_entries').where({ source: 'books' }).pluck('external_id'),
  );
  expect(entries).toEqual(['wh-good']);
  const rejection = await db.withOrg('acme', (trx) =>
    trx('ingest_rejections')
      .where({ source: 'books' })
      .first('row_number', 'external_id', 'field', 'message', 'payload'),
  );
  expect(rejection).toEqual({
    row_number: 1,
    external_id: 'nul-1',
    field: 'memo',
    message: 'memo: must not contain a NUL character (\\u0000)',
    payload: payment('nul-1', { memo: 'a\\u0000b' }),
  });
  // The same bytes again are a re-delivery, as for any other body.
  expect((await deliver('del-nul', body).expect(200)).body).toEqual({ received: 1, new: 0, duplicates: 1 });
});

test('a delivery id reused with another body is a 409 naming it; the same body again is a duplicate', async () => {
  const first = JSON.stringify({ source: 'books', events: [payment('wh-p1')] });
  const other = JSON.stringify({ source: 'books', events: [payment('wh-p3')] });
  expect((await deliver('del-1', first).expect(200)).body).toEqual({ received: 1, new: 1, duplicates: 0 });
  expect((await deliver('del-1', first).expect(200)).body).toEqual({ received: 1, new: 0, duplicates: 1 });
  const before = await counts();
  const { body } = await deliver('del-1', other).expect(409);
  expect(body.error.code).toBe('conflict');
  expect(body.error.message).toContain('del-1');
  expect(body.error.details).toEqual([
    { path: 'headers.x-arrears-delivery', message: 'delivery del-1 already received with another body' },
  ]);
  expect(await counts()).toEqual(before);
  await processed('del-1');
  const entries = await db.withOrg('acme', (trx) =>
    trx('ledger_entries').whereIn('external_id', ['wh-p1', 'wh-p3']).pluck('external_id'),
  );
  expect(entries).toEqual(['wh-p1']);
});

test('a source the ledger API refuses (the reserved "arrears", a malformed name) is refused with its path', async () => {
  const before = await counts();
  for (const source of ['arrears', 'BAD SRC']) {
    const { body } = await deliver(`del-src-${source}`, JSON.stringify({ source, events: [payment('src-x')] })).expect(
      400,
    );
    expect(body.error).toMatchObject({ code: 'invalid_request', reason: 'malformed' });
    expect(body.error.details).toEqual([{ path: 'body.source', message: expect.any(String) }]);
    expect(body.error.message).toMatch(/^body\.source: /);
  }
  expect(await counts()).toEqual(before);
});
