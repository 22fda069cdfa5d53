import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { JOBS } from '../runner/jobs.ts';
import { seedTenant, startTestRunner, waitFor, type TestRunner } from '../runner/testing.ts';
import { cipherFromKey } from '../secrets/cipher.ts';
import { storeCredentials } from '../secrets/credentials.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { signAccountingWebhook } from './schemes/accounting.ts';
import { webhookTestApp } from './testing.ts';

// The webhook ingress on PostgreSQL through the worker: verified deliveries become ledger
// entries exactly once however often and in whatever order they arrive; anything that fails
// verification is refused with nothing stored and nothing enqueued.
let db: TestDatabase;
let runner: TestRunner;
let app: Express;
const SECRET = 'whsec_test_only';
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');
const cipher = cipherFromKey(crypto.randomBytes(32));

beforeAll(async () => {
  db = await openTestDatabase('ingress');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }]);
  await seedOrg(db, 'other', [{ id: 'P1' }], [{ id: 'L1' }]);
  await seedTenant(db, 'acme', 'L1', 'T1', '+14155550101');
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

const charge = {
  kind: 'charge',
  lease_id: 'L1',
  external_id: 'INV-100',
  charge_type: 'rent',
  amount_cents: 180_000,
  effective_on: '2026-03-04',
  due_on: '2026-03-04',
};
const payment = {
  kind: 'payment',
  lease_id: 'L1',
  external_id: 'PMT-7',
  amount_cents: 50_000,
  effective_on: '2026-03-09',
};

const deliver = (org: string, delivery: string, body: string, signature: string | undefined) => {
  const r = request(app)
    .post(`/webhooks/accounting/${org}`)
    .set('content-type', 'application/json')
    .set('x-arrears-delivery', delivery);
  if (signature) r.set('x-arrears-signature', signature);
  return r.send(body);
};

const counts = async () => ({
  stored: Number((await db.knex('inbound_events').count({ n: '*' }))[0]!.n),
  jobs: (await runner.boss.findJobs(JOBS.webhook.queue, {})).length,
});

test('every delivery three times and out of order: one ledger entry each, one of every effect', async () => {
  const first = JSON.stringify({ source: 'books', events: [charge] });
  const second = JSON.stringify({ source: 'books', events: [payment] });
  const order: [string, string][] = [
    ['d-2', second],
    ['d-1', first],
    ['d-2', second],
    ['d-1', first],
    ['d-1', first],
    ['d-2', second],
  ];
  const answers = [];
  for (const [id, body] of order)
    answers.push((await deliver('acme', id, body, signAccountingWebhook(SECRET, body, now)).expect(200)).body);
  expect(answers.map((a) => a.new)).toEqual([1, 1, 0, 0, 0, 0]);
  await waitFor('both deliveries processed', async () => {
    const done = await db.withOrg('acme', (trx) =>
      trx('inbound_events').whereNotNull('processed_at').pluck('event_id'),
    );
    return done.length === 2 ? done : undefined;
  });
  const entries = await db.withOrg('acme', (trx) => trx('ledger_entries').orderBy('external_id').pluck('external_id'));
  expect(entries).toEqual(['INV-100', 'PMT-7']);
  await waitFor('a contact for the open balance', async () => {
    const sent = await db.withOrg('acme', (trx) => trx('sandbox_outbox').pluck('effect_key'));
    return sent.length ? sent : undefined;
  });
  const sent: string[] = await db.withOrg('acme', (trx) => trx('sandbox_outbox').pluck('effect_key'));
  expect(new Set(sent).size).toBe(sent.length);
  const transitions = await db.withOrg('acme', (trx) =>
    trx('case_events').where({ type: 'level_changed' }).count({ n: '*' }),
  );
  expect(Number(transitions[0]!.n)).toBe(1);
});

test('forged, stale, altered, unsigned and secret-less deliveries are refused; nothing is stored or queued', async () => {
  const body = JSON.stringify({ source: 'books', events: [{ ...charge, external_id: 'INV-EVIL' }] });
  const before = await counts();
  const refused = async (res: request.Test, reason: string) => {
    const answer = await res.expect(401);
    expect(answer.body.error.reason).toBe(reason);
  };
  await refused(deliver('acme', 'x-1', body, signAccountingWebhook('not-the-secret', body, now)), 'bad_signature');
  await refused(
    deliver('acme', 'x-2', body, signAccountingWebhook(SECRET, body, new Date(now.getTime() - 10 * 60_000))),
    'stale_timestamp',
  );
  const altered = body.replace('180000', '1');
  await refused(deliver('acme', 'x-3', altered, signAccountingWebhook(SECRET, body, now)), 'bad_signature');
  await refused(deliver('acme', 'x-4', body, undefined), 'missing_signature');
  await refused(deliver('other', 'x-5', body, signAccountingWebhook(SECRET, body, now)), 'missing_secret');
  await refused(deliver('nobody', 'x-6', body, signAccountingWebhook(SECRET, body, now)), 'missing_secret');
  expect(await counts()).toEqual(before);
  const evil = await db.knex('ledger_entries').where({ external_id: 'INV-EVIL' }).first();
  expect(evil).toBeUndefined();
  await request(app).post('/webhooks/nope/acme').send('{}').expect(404);
});
