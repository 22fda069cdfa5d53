import type { Delivery, EmailMessage, OutboundPort } from '../ports/index.ts';
import { ProviderError } from '../ports/index.ts';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import { sandboxPorts } from '../providers/sandbox/sandbox.ts';
import { seedTenant } from '../runner/testing.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { dispatchEffect } from './dispatch.ts';
import { contactGuard } from './guards.ts';

// Dispatch through a provider outside the database (Twilio, SendGrid): the effect is committed
// as `sending` before the call, and each kind of provider answer lands as written in send.ts.
// The port here is a scripted provider (answers queued per call), not a stand-in for the code
// under test: dispatchEffect and completeSend run for real on PostgreSQL.
let db: TestDatabase;
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');
const answers: (() => Promise<Delivery>)[] = [];
let calls = 0;
const scripted: OutboundPort<EmailMessage> = {
  channel: 'email',
  provider: 'scripted',
  inTransaction: false,
  send: async () => {
    calls += 1;
    return answers.shift()!();
  },
};
const scope = () => ({
  db,
  orgId: 'acme',
  guard: contactGuard,
  ports: { ...sandboxPorts(), email: scripted },
});

beforeAll(async () => {
  db = await openTestDatabase('send');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }]);
  await seedTenant(db, 'acme', 'L1', 'T1', '+14155550101');
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'test', actor: 'test', now }, [
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
});
afterAll(() => db.close());

async function effect(key: string) {
  await db.knex('effects').insert({
    org_id: 'acme',
    key,
    lease_id: 'L1',
    type: 'email',
    status: 'scheduled',
    due_at: now,
    payload: JSON.stringify({ template: 'rent-late' }),
    created_at: now,
    updated_at: now,
  });
}
const row = (key: string) => db.knex('effects').where({ key }).first();

test('accepted: sent with the provider id; nothing in the sandbox', async () => {
  await effect('ok');
  answers.push(async () => ({ provider: 'scripted', provider_message_id: 'MSG-1', status: 'accepted' }));
  expect(await dispatchEffect(scope(), 'ok', now)).toMatchObject({ status: 'sent' });
  expect(await row('ok')).toMatchObject({ status: 'sent', provider: 'scripted', provider_message_id: 'MSG-1' });
  expect(await db.knex('sandbox_outbox').where({ effect_key: 'ok' })).toEqual([]);
});

test('while a send is in flight a second dispatch of the same effect does nothing', async () => {
  await effect('race');
  let release!: () => void;
  answers.push(
    () =>
      new Promise<Delivery>((resolve) => {
        release = () => resolve({ provider: 'scripted', provider_message_id: 'MSG-2', status: 'accepted' });
      }),
  );
  const before = calls;
  const first = dispatchEffect(scope(), 'race', now);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await row('race')).toMatchObject({ status: 'sending' });
  expect(await dispatchEffect(scope(), 'race', now)).toBeNull();
  release();
  expect(await first).toMatchObject({ status: 'sent' });
  expect(calls - before).toBe(1);
});

test('429: back to scheduled at the Retry-After', async () => {
  await effect('busy');
  answers.push(async () => {
    throw new ProviderError('scripted', 'rate_limited', 'Too Many Requests', { retryAfterSeconds: 120, status: 429 });
  });
  expect(await dispatchEffect(scope(), 'busy', now)).toMatchObject({ status: 'deferred' });
  expect(await row('busy')).toMatchObject({ status: 'scheduled', due_at: new Date(now.getTime() + 120_000) });
});

test('an outage or an auth failure: back to scheduled, and the job fails so pg-boss retries it', async () => {
  await effect('down');
  answers.push(async () => {
    throw new ProviderError('scripted', 'unavailable', 'Service Unavailable', { status: 503 });
  });
  await expect(dispatchEffect(scope(), 'down', now)).rejects.toThrow('Service Unavailable');
  expect(await row('down')).toMatchObject({ status: 'scheduled' });
  answers.push(async () => ({ provider: 'scripted', provider_message_id: 'MSG-3', status: 'accepted' }));
  expect(await dispatchEffect(scope(), 'down', now)).toMatchObject({ status: 'sent' });
});

test('a refused recipient: failed, and the same step once on the next channel', async () => {
  await effect('refused');
  answers.push(async () => {
    throw new ProviderError('scripted', 'invalid_recipient', 'The To address is invalid', {
      status: 400,
      code: '21211',
    });
  });
  expect(await dispatchEffect(scope(), 'refused', now)).toMatchObject({ status: 'failed' });
  expect(await row('refused')).toMatchObject({ status: 'failed', reason: 'provider_invalid_recipient' });
  expect(await row('refused:fallback:letter')).toMatchObject({ status: 'scheduled', type: 'letter' });
});

test('an answer that is not a provider refusal (the call may have gone out): unconfirmed, never re-sent', async () => {
  await effect('unknown');
  answers.push(async () => {
    throw new Error('socket hang up');
  });
  expect(await dispatchEffect(scope(), 'unknown', now)).toMatchObject({ status: 'unconfirmed' });
  expect(await row('unknown')).toMatchObject({ status: 'unconfirmed', reason: 'provider_outcome_unknown' });
  expect(await dispatchEffect(scope(), 'unknown', now)).toBeNull();
});
