import { providerPorts } from '../registry.ts';
import crypto from 'node:crypto';
import { PolicyDocument } from '@arrears/shared';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import twilio from 'twilio';
import { publishPolicy } from '../../escalation/policies.ts';
import { createApp } from '../../http/app.ts';
import { ingestLedgerEvents } from '../../ledger/ingest.ts';
import { seedTenant, startTestRunner, waitFor, type TestRunner } from '../../runner/testing.ts';
import { cipherFromKey } from '../../secrets/cipher.ts';
import { storeCredentials } from '../../secrets/credentials.ts';
import { openTestDatabase, type TestDatabase } from '../../testing/database.ts';
import { seedOrg } from '../../testing/fixtures.ts';
import { zonedInstant } from '../../time/zoned.ts';
import { webhookRegistry } from '../../webhooks/registry.ts';
import { startTwilioFake, type TwilioFake } from './twilio-fake.ts';

// Twilio end to end on PostgreSQL: the worker texts through the real SDK (to the local contract
// fake), and Twilio's signed webhooks come back through the HTTP ingress: a STOP reply revokes
// text consent, an `undelivered` report moves the step to email, once however often it arrives.
// A status callback is only a hint: the worker re-fetches the message from Twilio (the fake's
// GET) and acts on what Twilio says.
let db: TestDatabase;
let runner: TestRunner;
let app: Express;
let fake: TwilioFake;
const TZ = 'America/Los_Angeles';
const now = zonedInstant('2026-03-10', '12:00', TZ);
const PUBLIC_URL = 'https://arrears.example.test';
const TWILIO_NUMBER = '+14155550100';
const cipher = cipherFromKey(crypto.randomBytes(32));

const textOnly = PolicyDocument.parse({
  id: 'text-only',
  name: 'Text only',
  levels: [{ id: 'L1', days: { min: 1 }, steps: [{ id: 'text', day: 1, action: 'sms' }] }],
  late_fees: { enabled: false },
});

beforeAll(async () => {
  fake = await startTwilioFake();
  db = await openTestDatabase('twilio_ingress');
  await seedOrg(
    db,
    'acme',
    [{ id: 'P1', timezone: TZ }],
    [
      { id: 'L1', grace_days: 0 },
      { id: 'L2' },
      ...['L3', 'L4', 'L5', 'L6', 'L7', 'L8'].map((id) => ({ id, grace_days: 0 })),
    ],
  );
  await db
    .knex('orgs')
    .where({ org_id: 'acme' })
    .update({ settings: { policies: { residential: 'text-only' } } });
  await seedOrg(db, 'other');
  await seedTenant(db, 'acme', 'L1', 'T1', '+14155550101');
  await seedTenant(db, 'acme', 'L2', 'T2', '+14155550102');
  for (const n of [3, 4, 5, 6, 7, 8]) await seedTenant(db, 'acme', `L${n}`, `T${n}`, `+1415555010${n}`);
  const credentials = {
    account_sid: fake.accountSid,
    auth_token: fake.authToken,
    from: TWILIO_NUMBER,
    api_base_url: fake.url,
  };
  await db.withOrg('acme', async (trx) => {
    await publishPolicy(trx, 'acme', textOnly, 'admin', zonedInstant('2026-02-01', '00:00', TZ));
    await storeCredentials(trx, cipher, 'acme', 'twilio', credentials, now);
  });
  // The production registry: Twilio from the org's sealed credentials, sandbox elsewhere.
  runner = await startTestRunner(db, now, providerPorts({ db, cipher, publicUrl: PUBLIC_URL }));
  app = createApp({
    db,
    clock: runner.clock,
    logger: pino({ level: 'silent' }),
    boss: runner.boss,
    webhooks: { cipher, registry: webhookRegistry(), publicUrl: PUBLIC_URL },
  });
});
afterAll(async () => {
  await runner?.stop();
  await db?.close();
  await fake?.close();
});

type Params = Record<string, string>;
/** Posts what Twilio would: a form body signed over the public URL with the org's auth token. */
function post(path: string, params: Params, token = fake.authToken, org = 'acme') {
  const url = `${PUBLIC_URL}${path.replace('/acme', `/${org}`)}`;
  return request(app)
    .post(new URL(url).pathname + new URL(url).search)
    .type('form')
    .set('x-twilio-signature', twilio.getExpectedTwilioSignature(token, url, params))
    .send(new URLSearchParams(params).toString());
}
const processed = (eventId: string) =>
  waitFor(`event ${eventId} processed`, async () => {
    const row = await db.knex('inbound_events').where({ event_id: eventId }).first('outcome', 'processed_at');
    return row?.processed_at ? (row.outcome as string) : undefined;
  });
const sid = (prefix: string) => `${prefix}${crypto.randomBytes(16).toString('hex')}`;

/** Charges rent on a lease and waits for its day-1 text to be sent through Twilio. */
async function textSent(leaseId: string) {
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'books', actor: 'test', now }, [
    {
      row: 1,
      value: {
        kind: 'charge',
        lease_id: leaseId,
        external_id: `INV-${leaseId}`,
        charge_type: 'rent',
        amount_cents: 150_000,
        effective_on: '2026-03-09',
        due_on: '2026-03-09',
      },
    },
  ]);
  const key = `${leaseId}:text:2026-03-09`;
  const effect = await waitFor(`${leaseId}'s text sent through Twilio`, async () => {
    const row = await db.knex('effects').where({ key, status: 'sent' }).first('provider_message_id');
    return row ?? undefined;
  });
  const messageSid = effect.provider_message_id as string;
  return { key, messageSid, path: `/webhooks/twilio/acme?effect=${encodeURIComponent(key)}` };
}
/** A message status callback as Twilio posts it. */
const statusReport = (messageSid: string, status: string, extra: Params = {}): Params => ({
  MessageSid: messageSid,
  SmsSid: messageSid,
  MessageStatus: status,
  SmsStatus: status,
  AccountSid: fake.accountSid,
  From: TWILIO_NUMBER,
  To: '+14155550101',
  ApiVersion: '2010-04-01',
  ...extra,
});
const fetchesOf = (messageSid: string) => fake.requests.filter((r) => r.method === 'GET' && r.sid === messageSid);
const fallbackEmails = (key: string) => db.knex('sandbox_outbox').where({ effect_key: `${key}:fallback:email` });
const auditOf = (action: string, eventId: string) =>
  db
    .knex('audit_log')
    .where({ org_id: 'acme', action, subject_id: `twilio:${eventId}` })
    .select('actor', 'data');

test('a signed STOP text revokes text consent; the one confirmation goes out through Twilio', async () => {
  const messageSid = sid('SM');
  const answer = await post('/webhooks/twilio/acme', {
    MessageSid: messageSid,
    SmsSid: messageSid,
    AccountSid: fake.accountSid,
    From: '+14155550102',
    To: TWILIO_NUMBER,
    Body: 'STOP',
    NumMedia: '0',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  }).expect(200);
  expect(answer.headers['content-type']).toMatch(/^text\/xml/);
  expect(answer.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  expect(await processed(messageSid)).toBe('opt_out');
  expect(await db.knex('tenant_consents').where({ tenant_id: 'T2', channel: 'sms' }).first('granted')).toEqual({
    granted: false,
  });
  const confirmations = await waitFor('the confirmation text at Twilio', async () => {
    const sent = fake.requests.filter((r) => r.resource === 'Messages' && r.form.To === '+14155550102');
    return sent.length ? sent : undefined;
  });
  expect(confirmations).toHaveLength(1);
  expect(confirmations[0]!.form).toMatchObject({ From: TWILIO_NUMBER });
});

test('an undelivered report, delivered three times, sends the step once by email', async () => {
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'books', actor: 'test', now }, [
    {
      row: 1,
      value: {
        kind: 'charge',
        lease_id: 'L1',
        external_id: 'INV-1',
        charge_type: 'rent',
        amount_cents: 150_000,
        effective_on: '2026-03-09',
        due_on: '2026-03-09',
      },
    },
  ]);
  const key = 'L1:text:2026-03-09';
  const effect = await waitFor('the text sent through Twilio', async () => {
    const row = await db.knex('effects').where({ key, status: 'sent' }).first('provider', 'provider_message_id');
    return row ?? undefined;
  });
  expect(effect.provider).toBe('twilio');
  const sent = fake.requests.find((r) => r.form.To === '+14155550101')!;
  const callback = String(sent.form.StatusCallback);
  expect(callback).toBe(`${PUBLIC_URL}/webhooks/twilio/acme?effect=${encodeURIComponent(key)}`);

  const report = {
    MessageSid: effect.provider_message_id,
    SmsSid: effect.provider_message_id,
    MessageStatus: 'undelivered',
    SmsStatus: 'undelivered',
    ErrorCode: '30003',
    AccountSid: fake.accountSid,
    From: TWILIO_NUMBER,
    To: '+14155550101',
    ApiVersion: '2010-04-01',
  };
  const path = callback.slice(PUBLIC_URL.length);
  // What Twilio itself says when the worker asks (the carrier's verdict).
  fake.setStatus(effect.provider_message_id, 'undelivered', { error_code: 30003 });
  for (let i = 0; i < 3; i++) await post(path, report).expect(200);
  const eventId = `${effect.provider_message_id}:undelivered`;
  const stored = await db.knex('inbound_events').where({ event_id: eventId }).count({ n: '*' });
  expect(Number(stored[0]!.n)).toBe(1);
  expect(await processed(eventId)).toBe('delivery_failed');
  const fallback = await waitFor('the fallback email', async () => {
    const rows = await db.knex('sandbox_outbox').where({ effect_key: `${key}:fallback:email` });
    return rows.length ? rows : undefined;
  });
  expect(fallback).toEqual([expect.objectContaining({ channel: 'email' })]);
  expect(await db.knex('effects').where({ key }).first('delivery_status')).toEqual({ delivery_status: 'undelivered' });
  // Only the original text ever went to Twilio for this lease, and it was read back once.
  expect(fake.requests.filter((r) => r.form.To === '+14155550101')).toHaveLength(1);
  expect(fetchesOf(effect.provider_message_id)).toHaveLength(1);
  const [failure] = await db.knex('case_events').where({ case_id: 'L1', type: 'delivery_failed' }).select('data');
  expect(failure!.data).toMatchObject({ reason: 'undelivered: 30003' });
});

test('a report claiming "delivered" for a message Twilio says is undelivered moves the step to email', async () => {
  const { key, messageSid, path } = await textSent('L3');
  fake.setStatus(messageSid, 'undelivered', { error_code: 30005 });
  await post(path, statusReport(messageSid, 'delivered')).expect(200);
  expect(await processed(`${messageSid}:delivered`)).toBe(
    'delivery_failed (twilio says undelivered, the report said delivered)',
  );
  const fallback = await waitFor('the fallback email', async () => {
    const rows = await fallbackEmails(key);
    return rows.length ? rows : undefined;
  });
  expect(fallback).toHaveLength(1);
  expect(await db.knex('effects').where({ key }).first('delivery_status')).toEqual({ delivery_status: 'undelivered' });
  const [failure] = await db.knex('case_events').where({ case_id: 'L3', type: 'delivery_failed' }).select('data');
  expect(failure!.data).toMatchObject({ reason: 'undelivered: 30005' });
  expect(await auditOf('webhook.report_corrected', `${messageSid}:delivered`)).toEqual([
    {
      actor: 'system:webhook',
      data: expect.objectContaining({ reported: 'delivered', acted_on: 'undelivered', outcome: 'delivery_failed' }),
    },
  ]);
  // Twilio's own `undelivered` callback, when it comes, finds the failure already recorded.
  await post(path, statusReport(messageSid, 'undelivered', { ErrorCode: '30005' })).expect(200);
  expect(await processed(`${messageSid}:undelivered`)).toBe('superseded');
  expect(await fallbackEmails(key)).toHaveLength(1);
});

test('a "delivered" report arriving three times is fetched and processed once; a staler read changes nothing', async () => {
  const { key, messageSid, path } = await textSent('L4');
  fake.setStatus(messageSid, 'delivered');
  for (let i = 0; i < 3; i++) await post(path, statusReport(messageSid, 'delivered')).expect(200);
  expect(await processed(`${messageSid}:delivered`)).toBe('delivered');
  const stored = await db
    .knex('inbound_events')
    .where({ event_id: `${messageSid}:delivered` })
    .count({ n: '*' });
  expect(Number(stored[0]!.n)).toBe(1);
  expect(fetchesOf(messageSid)).toHaveLength(1);
  expect(fetchesOf(messageSid)[0]).toMatchObject({ authorized: true, resource: 'Messages' });
  expect(await db.knex('effects').where({ key }).first('delivery_status')).toEqual({ delivery_status: 'delivered' });
  // A late `sent` callback, and a read that is itself behind (Twilio still says `sent`): the
  // fetched status is less final than `delivered`, which stays.
  fake.setStatus(messageSid, 'sent');
  await post(path, statusReport(messageSid, 'sent')).expect(200);
  expect(await processed(`${messageSid}:sent`)).toBe('superseded');
  expect(await db.knex('effects').where({ key }).first('delivery_status')).toEqual({ delivery_status: 'delivered' });
  expect(await fallbackEmails(key)).toHaveLength(0);
});

test("a read that trails Twilio's own callback never uses the report up: the more final status stands", async () => {
  const { key, messageSid, path } = await textSent('L7');
  // Twilio's API still says `sent` while its callback already reports `delivered`.
  fake.setStatus(messageSid, 'sent');
  await post(path, statusReport(messageSid, 'delivered')).expect(200);
  expect(await processed(`${messageSid}:delivered`)).toBe(
    "delivered (twilio still says sent; the report's delivered is more final)",
  );
  expect(await db.knex('effects').where({ key }).first('delivery_status')).toEqual({ delivery_status: 'delivered' });
});

test('a re-fetch answered 429, then 503, is retried with backoff and the report is then processed once', async () => {
  const { key, messageSid, path } = await textSent('L5');
  fake.setStatus(messageSid, 'undelivered', { error_code: 30003 });
  fake.failNextFetch({ status: 429, retryAfter: '1' }, { status: 503 });
  const eventId = `${messageSid}:undelivered`;
  await post(path, statusReport(messageSid, 'undelivered', { ErrorCode: '30003' })).expect(200);
  const jobs = `${db.schema}_jobs.job`;
  for (const attempt of [1, 2]) {
    // The job failed and waits for pg-boss's backoff; the event is untouched meanwhile.
    const failed = await waitFor(`failed fetch ${attempt}`, async () => {
      const rows = await db.knex.raw<{ rows: { output: { error?: string } | null }[] }>(
        `select output from ${jobs} where name = 'webhook.event.v1' and state = 'retry' and data->>'event_id' = ?`,
        [eventId],
      );
      return rows.rows.length === 1 && fetchesOf(messageSid).length === attempt ? rows.rows[0]!.output : undefined;
    });
    expect(failed?.error).toMatch(attempt === 1 ? /^Twilio 429 \(20429\)/ : /^Twilio 503 \(20503\)/);
    expect(await db.knex('inbound_events').where({ event_id: eventId }).first('processed_at')).toEqual({
      processed_at: null,
    });
    // The backoff (5 s, doubling, with jitter) is pg-boss's; the test does not sit through it.
    await db.knex.raw(`update ${jobs} set start_after = now() where state = 'retry' and data->>'event_id' = ?`, [
      eventId,
    ]);
  }
  expect(await processed(eventId)).toBe('delivery_failed');
  expect(fetchesOf(messageSid)).toHaveLength(3);
  const fallback = await waitFor('the fallback email', async () => {
    const rows = await fallbackEmails(key);
    return rows.length ? rows : undefined;
  });
  expect(fallback).toHaveLength(1);
  const failures = await db.knex('case_events').where({ case_id: 'L5', type: 'delivery_failed' }).count({ n: '*' });
  expect(Number(failures[0]!.n)).toBe(1);
});

test('a re-fetch Twilio answers 404 falls back to the verified report, and says so', async () => {
  const { key, messageSid, path } = await textSent('L6');
  fake.failNextFetch({ status: 404, code: 20404, message: `The requested resource ${messageSid} was not found` });
  const eventId = `${messageSid}:undelivered`;
  await post(path, statusReport(messageSid, 'undelivered', { ErrorCode: '30003' })).expect(200);
  const outcome = await processed(eventId);
  expect(outcome).toMatch(/^delivery_failed \(payload used: twilio re-fetch failed: Twilio 404 \(20404\): /);
  const fallback = await waitFor('the fallback email', async () => {
    const rows = await fallbackEmails(key);
    return rows.length ? rows : undefined;
  });
  expect(fallback).toHaveLength(1);
  expect(await auditOf('webhook.report_used', eventId)).toEqual([
    {
      actor: 'system:webhook',
      data: expect.objectContaining({
        reported: 'undelivered',
        acted_on: 'undelivered',
        why: expect.stringContaining('20404'),
      }),
    },
  ]);
});

test('a report signed for an effect but about another message changes nothing', async () => {
  const { key } = await textSent('L8');
  const other = sid('SM');
  await post(`/webhooks/twilio/acme?effect=${encodeURIComponent(key)}`, statusReport(other, 'undelivered')).expect(200);
  expect(await processed(`${other}:undelivered`)).toBe('message_mismatch');
  expect(await db.knex('effects').where({ key }).first('status')).toEqual({ status: 'sent' });
  expect(await fallbackEmails(key)).toEqual([]);
});

test('through HTTP, unsigned, forged and secret-less Twilio requests are 401 and stored nowhere', async () => {
  const before = await db.knex('inbound_events').count({ n: '*' });
  const params = { MessageSid: sid('SM'), From: '+14155550101', To: TWILIO_NUMBER, Body: 'STOP' };
  const refused = async (test: request.Test, reason: string) =>
    expect((await test.expect(401)).body.error.reason).toBe(reason);
  await refused(post('/webhooks/twilio/acme', params, 'f'.repeat(32)), 'bad_signature');
  await refused(post('/webhooks/twilio/acme', params, fake.authToken, 'other'), 'missing_secret');
  await refused(
    request(app).post('/webhooks/twilio/acme').type('form').send(new URLSearchParams(params).toString()),
    'missing_signature',
  );
  expect(await db.knex('inbound_events').count({ n: '*' })).toEqual(before);
  expect(await db.knex('tenant_consents').where({ tenant_id: 'T1', channel: 'sms' }).first('granted')).toEqual({
    granted: true,
  });
});
