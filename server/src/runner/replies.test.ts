import { ingestLedgerEvents } from '../ledger/ingest.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import type { InboundEvent } from '../webhooks/scheme.ts';
import { JOBS } from './jobs.ts';
import { seedTenant, startTestRunner, waitFor, type TestRunner } from './testing.ts';

// The fifth trigger through the worker: a verified reply or delivery report (as the ingress
// stores it) becomes consent changes, agent tasks, paused automation or the next channel.
let db: TestDatabase;
let runner: TestRunner;
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');

beforeAll(async () => {
  db = await openTestDatabase('replies');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }, { id: 'L3' }]);
  await seedTenant(db, 'acme', 'L1', 'T1', '+14155550101');
  await seedTenant(db, 'acme', 'L2', 'T2', '+14155550102');
  await seedTenant(db, 'acme', 'L3', 'T3', '+14155550103');
  // L3 owes rent still inside its grace period: nothing is due to go out on its own.
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'books', actor: 'test', now }, [
    {
      row: 1,
      value: {
        kind: 'charge',
        lease_id: 'L3',
        external_id: 'INV-L3',
        charge_type: 'rent',
        amount_cents: 120_000,
        effective_on: '2026-03-08',
        due_on: '2026-03-08',
      },
    },
  ]);
  runner = await startTestRunner(db, now);
});
afterAll(async () => {
  await runner.stop();
  await db.close();
});

/** What the ingress does after verification: store once, enqueue. */
async function arrive(event: InboundEvent) {
  await db.knex('inbound_events').insert({
    org_id: 'acme',
    source: event.provider,
    event_id: event.id,
    kind: event.kind,
    payload: JSON.stringify(event),
    received_at: now,
  });
  await runner.boss.send(JOBS.webhook.queue, { org_id: 'acme', source: event.provider, event_id: event.id });
  return waitFor(`event ${event.id} processed`, async () => {
    const row = await db.knex('inbound_events').where({ event_id: event.id }).first('outcome', 'processed_at');
    return row?.processed_at ? row.outcome : undefined;
  });
}
const sms = (id: string, from: string, body: string): InboundEvent => ({
  kind: 'inbound_message',
  id,
  provider: 'twilio',
  channel: 'sms',
  from,
  to: '+14155559999',
  body,
});
const outbox = (lease: string) =>
  db
    .knex('sandbox_outbox')
    .where({ org_id: 'acme', lease_id: lease })
    .orderBy('id')
    .select('effect_key', 'channel', 'body', 'data');

test('STOP revokes text consent and sends exactly one confirmation', async () => {
  expect(await arrive(sms('SM-stop', '+14155550101', 'STOP'))).toBe('opt_out');
  const consent = await db.knex('tenant_consents').where({ tenant_id: 'T1', channel: 'sms' }).first('granted');
  expect(consent).toEqual({ granted: false });
  const sent = await waitFor('the confirmation', async () => {
    const rows = await outbox('L1');
    return rows.length ? rows : undefined;
  });
  expect(sent).toEqual([expect.objectContaining({ channel: 'sms' })]);
  expect(sent[0]!.data).toMatchObject({ to: '+14155550101' });
});

test('"I need help" opens an agent task and pauses automation', async () => {
  expect(await arrive(sms('SM-help', '+14155550102', 'I need help, lost my job'))).toBe('help');
  const task = await waitFor('the agent task', async () => {
    const rows = (await outbox('L2')).filter((r) => r.channel === 'task');
    return rows.length ? rows : undefined;
  });
  expect(task[0]!.body).toContain('tenant-asked-for-help');
  const hold = await db.knex('holds').where({ lease_id: 'L2', kind: 'manual', status: 'active' }).first('ends_on');
  expect(hold).toEqual({ ends_on: '2026-03-17' });
});

test('a failed delivery sends the same step once on the next channel; a repeat report changes nothing', async () => {
  await db.knex('effects').insert({
    org_id: 'acme',
    key: 'L3:late-sms:2026-03-04',
    lease_id: 'L3',
    type: 'sms',
    status: 'sent',
    due_at: now,
    provider: 'twilio',
    provider_message_id: 'SM123',
    payload: JSON.stringify({ template: 'late-sms' }),
    created_at: now,
    updated_at: now,
  });
  const failed = (id: string): InboundEvent => ({
    kind: 'delivery_status',
    id,
    provider: 'twilio',
    provider_message_id: 'SM123',
    status: 'undelivered',
    reason: '30003',
  });
  expect(await arrive(failed('SM123:undelivered'))).toBe('delivery_failed');
  const fallback = await waitFor('the fallback email', async () => {
    const rows = (await outbox('L3')).filter((r) => r.effect_key === 'L3:late-sms:2026-03-04:fallback:email');
    return rows.length ? rows : undefined;
  });
  expect(fallback).toEqual([expect.objectContaining({ channel: 'email' })]);
  expect(await arrive(failed('SM123:undelivered:again'))).toBe('superseded');
  expect((await outbox('L3')).filter((r) => r.effect_key.includes(':fallback:'))).toHaveLength(1);
  expect(await arrive(sms('SM-unknown', '+19995550000', 'hello'))).toBe('unmatched_sender');
});
