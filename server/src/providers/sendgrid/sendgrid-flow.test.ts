import { providerPorts } from '../registry.ts';
import crypto from 'node:crypto';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { dispatchEffect } from '../../escalation/dispatch.ts';
import { contactGuard } from '../../escalation/guards.ts';
import { ingestLedgerEvents } from '../../ledger/ingest.ts';
import { createApp } from '../../http/app.ts';
import { seedTenant, startTestRunner, waitFor, type TestRunner } from '../../runner/testing.ts';
import { cipherFromKey } from '../../secrets/cipher.ts';
import { storeCredentials } from '../../secrets/credentials.ts';
import { openTestDatabase, type TestDatabase } from '../../testing/database.ts';
import { seedOrg } from '../../testing/fixtures.ts';
import { zonedInstant } from '../../time/zoned.ts';
import { webhookRegistry } from '../../webhooks/registry.ts';
import { startSendgridFake, type SendgridFake } from './sendgrid-fake.ts';
import { eventWebhookPost, inboundParsePost, sendgridEvent, sendgridSigner } from './webhook-signer.ts';

// SendGrid end to end on PostgreSQL: an email effect goes out through the real SDK to the
// contract fake, SendGrid's signed bounce comes back through the HTTP ingress and the worker
// sends the same step once as a letter (however often the batch is delivered), and a tenant's
// "unsubscribe" reply through Inbound Parse revokes their email consent.
let db: TestDatabase;
let runner: TestRunner;
let app: Express;
let fake: SendgridFake;
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');
const cipher = cipherFromKey(crypto.randomBytes(32));
const events = sendgridSigner();
const inbound = sendgridSigner();
const publicUrl = 'https://arrears.example.test';
const KEY = 'L1:sendgrid-late-email:2026-03-01';

beforeAll(async () => {
  fake = await startSendgridFake();
  db = await openTestDatabase('sendgrid_flow');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }]);
  await seedTenant(db, 'acme', 'L1', 'T1', '+14155550101');
  await db
    .knex('contact_points')
    .insert({ org_id: 'acme', tenant_id: 'T1', channel: 'postal', value: '1 Main St, Oakland CA' });
  await db.withOrg('acme', (trx) =>
    storeCredentials(
      trx,
      cipher,
      'acme',
      'sendgrid',
      {
        api_key: fake.apiKey,
        from: { email: 'rent@acme.test', name: 'Acme Rentals' },
        reply_to: { email: 'replies@parse.acme.test' },
        event_webhook_public_key: events.publicKey,
        inbound_parse_public_key: inbound.publicKey,
        api_base_url: fake.url,
      },
      now,
    ),
  );
  // Rent still owed, so the fallback letter is due when the email bounces.
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'books', actor: 'test', now }, [
    {
      row: 1,
      value: {
        kind: 'charge',
        lease_id: 'L1',
        external_id: 'R1',
        charge_type: 'rent',
        amount_cents: 100_000,
        effective_on: '2026-03-01',
        due_on: '2026-03-01',
      },
    },
  ]);
  // The production registry: SendGrid email from the org's sealed credentials, sandbox elsewhere.
  runner = await startTestRunner(db, now, providerPorts({ db, cipher, publicUrl }));
  app = createApp({
    db,
    clock: runner.clock,
    logger: pino({ level: 'silent' }),
    boss: runner.boss,
    webhooks: { cipher, registry: webhookRegistry(), publicUrl },
  });
});
afterAll(async () => {
  await runner.stop();
  await db.close();
  await fake.close();
});

const processed = (ids: string[]) =>
  waitFor(`events ${ids.join(', ')} processed`, async () => {
    const rows = await db.knex('inbound_events').whereIn('event_id', ids).whereNotNull('processed_at');
    return rows.length === ids.length ? rows : undefined;
  });

test('a signed bounce for a sent email sends the step once as a letter, however often the batch arrives', async () => {
  await db.knex('effects').insert({
    org_id: 'acme',
    key: KEY,
    lease_id: 'L1',
    type: 'email',
    status: 'scheduled',
    due_at: now,
    payload: JSON.stringify({ template: 'late-email' }),
    created_at: now,
    updated_at: now,
  });
  const scope = {
    db,
    orgId: 'acme',
    guard: contactGuard,
    ports: await providerPorts({ db, cipher, publicUrl })('acme'),
  };
  // The worker may have picked the effect up on its own (its start-up scan): either way, once.
  await dispatchEffect(scope, KEY, now);
  const sent = await waitFor('the email sent', async () => {
    const row = await db.knex('effects').where({ key: KEY, status: 'sent' }).first('provider', 'provider_message_id');
    return row ?? undefined;
  });
  const mail = fake
    .accepted()
    .filter((r) => (r.body as { custom_args?: { effect_key?: string } }).custom_args?.effect_key === KEY);
  expect(mail).toHaveLength(1);
  expect(sent).toEqual({ provider: 'sendgrid', provider_message_id: mail[0]!.message_id });

  const message = {
    message_id: mail[0]!.message_id!,
    email: 't1@tenant.test',
    custom_args: { effect_key: KEY, org_id: 'acme' },
  };
  const batch = [
    sendgridEvent('processed', message, {}, now),
    sendgridEvent('bounce', message, { type: 'bounce', status: '5.1.1', reason: '550 5.1.1 no such user' }, now),
  ];
  const post = eventWebhookPost(events, batch, now);
  const answers = [];
  for (let i = 0; i < 3; i += 1)
    answers.push(
      (await request(app).post('/webhooks/sendgrid/acme').set(post.headers).send(post.body).expect(200)).body,
    );
  expect(answers).toEqual([
    { received: 2, new: 2, duplicates: 0 },
    { received: 2, new: 0, duplicates: 2 },
    { received: 2, new: 0, duplicates: 2 },
  ]);
  await processed(batch.map((e) => String(e.sg_event_id)));
  expect(await db.knex('effects').where({ key: KEY }).first('delivery_status')).toEqual({ delivery_status: 'bounced' });
  const letters = await waitFor('the fallback letter', async () => {
    const rows = await db
      .knex('sandbox_outbox')
      .where({ effect_key: `${KEY}:fallback:letter` })
      .select('channel');
    return rows.length ? rows : undefined;
  });
  expect(letters).toEqual([{ channel: 'letter' }]);
  const failures = await db.knex('case_events').where({ type: 'delivery_failed' }).count({ n: '*' });
  expect(Number(failures[0]!.n)).toBe(1);
});

test('a tampered or unsigned event batch is refused and stores nothing', async () => {
  const message = { message_id: 'forged', email: 't1@tenant.test', custom_args: { effect_key: KEY, org_id: 'acme' } };
  const post = eventWebhookPost(events, [sendgridEvent('delivered', message, {}, now)], now);
  const before = await db.knex('inbound_events').count({ n: '*' });
  const tampered = await request(app)
    .post('/webhooks/sendgrid/acme')
    .set(post.headers)
    .send(post.body.replace('delivered', 'dropped'))
    .expect(401);
  expect(tampered.body.error.reason).toBe('bad_signature');
  const unsigned = await request(app)
    .post('/webhooks/sendgrid/acme')
    .set('content-type', 'application/json')
    .send(post.body)
    .expect(401);
  expect(unsigned.body.error.reason).toBe('missing_signature');
  expect(await db.knex('inbound_events').count({ n: '*' })).toEqual(before);
});

test('an Inbound Parse reply "unsubscribe" revokes the tenant\'s email consent', async () => {
  const fields = {
    headers: 'From: Tenant T1 <T1@tenant.test>\nMessage-ID: <reply-1@mail.tenant.test>\nSubject: Re: Late email\n',
    from: 'Tenant T1 <T1@tenant.test>',
    to: 'replies@parse.acme.test',
    subject: 'Re: Late email',
    text: 'Unsubscribe\n\nOn Tue, Mar 10, 2026 at 11:00 AM Acme Rentals <rent@acme.test> wrote:\n> balance $1,000.00\n',
    envelope: '{"to":["replies@parse.acme.test"],"from":"t1@tenant.test"}',
    charsets: '{"to":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"UTF-8"}',
    SPF: 'pass',
  };
  const unsigned = inboundParsePost(undefined, fields, now);
  await request(app).post('/webhooks/sendgrid-inbound/acme').set(unsigned.headers).send(unsigned.body).expect(401);
  const post = inboundParsePost(inbound, fields, now);
  const answer = await request(app)
    .post('/webhooks/sendgrid-inbound/acme')
    .set(post.headers)
    .send(post.body)
    .expect(200);
  expect(answer.body).toEqual({ received: 1, new: 1, duplicates: 0 });
  const [row] = await processed(['<reply-1@mail.tenant.test>']);
  expect(row.outcome).toBe('opt_out');
  const consent = await db
    .knex('tenant_consents')
    .where({ tenant_id: 'T1', channel: 'email' })
    .orderBy('changed_at', 'desc')
    .first('granted');
  expect(consent).toEqual({ granted: false });
});
