import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import {
  eventWebhookPost,
  inboundParsePost,
  sendgridEvent,
  sendgridSigner,
  TIMESTAMP_HEADER,
} from '../providers/sendgrid/webhook-signer.ts';
import { JOBS } from '../runner/jobs.ts';
import { startTestRunner, type TestRunner } from '../runner/testing.ts';
import { cipherFromKey } from '../secrets/cipher.ts';
import { storeCredentials } from '../secrets/credentials.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import type { RegisteredScheme } from './registry.ts';
import { signAccountingWebhook } from './schemes/accounting.ts';
import { webhookTestApp } from './testing.ts';

// Sender-chosen ids and signature headers at their limits, through HTTP on PostgreSQL: an id too
// long for the dedupe key's index is a 400 (accounting, whose integrator chooses it) or hashed
// (SendGrid, which retries a refused batch whole), never a 500; a refusal names the real reason.
let db: TestDatabase;
let runner: TestRunner;
let app: Express;
const SECRET = 'whsec_test_only';
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');
const cipher = cipherFromKey(crypto.randomBytes(32));
const events = sendgridSigner();
const inbound = sendgridSigner();

beforeAll(async () => {
  db = await openTestDatabase('ingress_limits');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }]);
  await db.withOrg('acme', async (trx) => {
    await storeCredentials(trx, cipher, 'acme', 'accounting', { webhook_secret: SECRET }, now);
    await storeCredentials(
      trx,
      cipher,
      'acme',
      'sendgrid',
      { event_webhook_public_key: events.publicKey, inbound_parse_public_key: inbound.publicKey },
      now,
    );
  });
  runner = await startTestRunner(db, now);
  app = webhookTestApp(db, runner, cipher);
});
afterAll(async () => {
  await runner.stop();
  await db.close();
});

const counts = async () => ({
  stored: Number((await db.knex('inbound_events').count({ n: '*' }))[0]!.n),
  jobs: (await runner.boss.findJobs(JOBS.webhook.queue, {})).length,
});
const storedIds = (source: string) =>
  db.withOrg('acme', (trx) => trx('inbound_events').where({ source }).orderBy('event_id').pluck('event_id'));

const payment = (external_id: string) =>
  JSON.stringify({
    source: 'books',
    events: [{ kind: 'payment', lease_id: 'L1', external_id, amount_cents: 5_000, effective_on: '2026-03-09' }],
  });
const deliver = (delivery: string, body: string, signature = signAccountingWebhook(SECRET, body, now)) =>
  request(app)
    .post('/webhooks/accounting/acme')
    .set('content-type', 'application/json')
    .set('x-arrears-delivery', delivery)
    .set('x-arrears-signature', signature)
    .send(body);

test('an accounting delivery id over 200 characters is a 400 naming the header; 200 is accepted', async () => {
  const before = await counts();
  const { body } = await deliver('d'.repeat(8_000), payment('long-1')).expect(400);
  expect(body.error).toMatchObject({ code: 'invalid_request', reason: 'malformed' });
  expect(body.error.details).toEqual([
    { path: 'headers.x-arrears-delivery', message: 'must be at most 200 characters (got 8000)' },
  ]);
  await deliver('d'.repeat(201), payment('long-2')).expect(400);
  expect(await counts()).toEqual(before);
  expect((await deliver('d'.repeat(200), payment('long-3')).expect(200)).body).toMatchObject({ new: 1 });
});

test('an upper-case hex signature is the same signature; a malformed one is bad_signature or bad_timestamp', async () => {
  const body = payment('upper-1');
  const signature = signAccountingWebhook(SECRET, body, now).replace(
    /v1=(\w+)/,
    (_, hex: string) => `v1=${hex.toUpperCase()}`,
  );
  expect((await deliver('d-upper', body, signature).expect(200)).body).toMatchObject({ new: 1 });
  const t = Math.floor(now.getTime() / 1000);
  const refused = async (sig: string) => (await deliver('d-refused', body, sig).expect(401)).body.error.reason;
  expect(await refused(`t=${t},v1=${'g'.repeat(64)}`)).toBe('bad_signature');
  expect(await refused(`t=${t},v1=abc`)).toBe('bad_signature');
  expect(await refused(signAccountingWebhook(SECRET, body, now).replace(`t=${t}`, `t=${t}.0`))).toBe('bad_timestamp');
  expect(await refused(signAccountingWebhook(SECRET, body, now).replace(`t=${t}`, 't=-5'))).toBe('bad_timestamp');
  expect(await refused(`v1=${'a'.repeat(64)}`)).toBe('missing_signature');
});

const sent = { message_id: 'Ua9Gk4BnQMqpIoUQcZ2oNg', email: 't1@tenant.test', custom_args: { effect_key: 'L1:e' } };
const postEvents = (post: { body: string; headers: Record<string, string> }) =>
  request(app).post('/webhooks/sendgrid/acme').set(post.headers).send(post.body);

test('a signed SendGrid batch with an 8,000-character sg_event_id is accepted whole; the long id is hashed', async () => {
  const longId = crypto.randomBytes(6_000).toString('base64url').slice(0, 8_000);
  const post = eventWebhookPost(
    events,
    [
      sendgridEvent('open', sent, { sg_event_id: longId }, now),
      sendgridEvent('delivered', sent, { sg_event_id: 'good-event-1' }, now),
    ],
    now,
  );
  expect((await postEvents(post).expect(200)).body).toEqual({ received: 2, new: 2, duplicates: 0 });
  const hashed = `sha256:${crypto.createHash('sha256').update(longId).digest('hex')}`;
  expect(await storedIds('sendgrid')).toEqual(['good-event-1', hashed].sort());
  // SendGrid's retry of the same batch dedupes on the hash like on any id.
  expect((await postEvents(post).expect(200)).body).toEqual({ received: 2, new: 0, duplicates: 2 });
});

test('a SendGrid timestamp that is not whole Unix seconds is bad_timestamp, not a missing signature', async () => {
  const post = eventWebhookPost(events, [sendgridEvent('open', sent, { sg_event_id: 'ts-1' }, now)], now);
  const before = await counts();
  const t = post.headers[TIMESTAMP_HEADER]!;
  for (const timestamp of [`${t}.5`, '-5', `${t}000`]) {
    const { body } = await postEvents({ ...post, headers: { ...post.headers, [TIMESTAMP_HEADER]: timestamp } }).expect(
      401,
    );
    expect([timestamp, body.error.reason]).toEqual([timestamp, 'bad_timestamp']);
  }
  expect(await counts()).toEqual(before);
});

test('an Inbound Parse email with an 8,000-character Message-ID is stored under its hash, once', async () => {
  const messageId = `<${'m'.repeat(8_000)}@mail.tenant.test>`;
  const post = inboundParsePost(
    inbound,
    {
      headers: `From: t1@tenant.test\nMessage-ID: ${messageId}\nSubject: Re: Late email\n`,
      from: 't1@tenant.test',
      to: 'replies@parse.acme.test',
      text: 'I will pay on Friday',
      envelope: '{"to":["replies@parse.acme.test"],"from":"t1@tenant.test"}',
      SPF: 'pass',
    },
    now,
  );
  const send = () => request(app).post('/webhooks/sendgrid-inbound/acme').set(post.headers).send(post.body);
  expect((await send().expect(200)).body).toEqual({ received: 1, new: 1, duplicates: 0 });
  expect((await send().expect(200)).body).toEqual({ received: 1, new: 0, duplicates: 1 });
  expect(await storedIds('sendgrid-inbound')).toEqual([
    `sha256:${crypto.createHash('sha256').update(messageId).digest('hex')}`,
  ]);
});

test('the ingress refuses an over-long id from any scheme as malformed (a backstop for schemes to come)', async () => {
  const careless: RegisteredScheme = {
    credentials: { provider: 'none', field: 'none' },
    scheme: {
      id: 'careless',
      verify: () => undefined,
      parse: () => [{ kind: 'ledger_events', id: 'x'.repeat(201), provider: 'careless', source: 'books', events: [] }],
    },
  };
  const other = webhookTestApp(db, runner, cipher, [careless]);
  const before = await counts();
  const { body } = await request(other).post('/webhooks/careless/acme').send('{}').expect(400);
  expect(body.error).toMatchObject({ reason: 'malformed', details: [{ path: 'id', message: expect.any(String) }] });
  expect(await counts()).toEqual(before);
});
