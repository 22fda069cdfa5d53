import { PolicyDocument } from '@arrears/shared';
import { takeDueDispatches, type OutboxItem } from '../db/outbox.ts';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import type { OutboundBase, OutboundPort, Ports } from '../ports/index.ts';
import { sandboxPorts } from '../providers/sandbox/sandbox.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { dispatchDueIn } from './dispatch-batch.ts';
import type { DispatchScope } from './dispatch.ts';
import { evaluateLeasesIn, takeEvaluatedContexts } from './evaluate.ts';
import { loadLeaseContexts, refreshLeaseContexts } from './facts.ts';
import { contactGuard } from './guards.ts';
import { publishPolicy } from './policies.ts';

// The runner's evaluation lane sends what its decisions made due in the same commit
// (dispatchDueIn): the effect is sent and recorded exactly once with no dispatch job; an effect
// whose provider is called after the commit is left, untouched, to its dispatch job.
let db: TestDatabase;
const TZ = 'America/Chicago';
const at = (day: string, time = '00:00') => zonedInstant(day, time, TZ);
const KEY = 'L1:nudge:2026-03-01';

const policy = PolicyDocument.parse({
  id: 'house',
  name: 'House',
  levels: [{ id: 'L1', days: { min: 1 }, steps: [{ id: 'nudge', day: 2, at: '10:00', action: 'email' }] }],
  late_fees: { enabled: false },
});

beforeAll(async () => {
  db = await openTestDatabase('dispatch_due');
  for (const org of ['sandboxed', 'early', 'provider', 'refresh']) {
    await seedOrg(
      db,
      org,
      [{ id: 'P1', timezone: TZ }],
      org === 'refresh' ? [{ id: 'L1' }, { id: 'L2' }] : [{ id: 'L1' }],
    );
    await db.withOrg(org, async (trx) => {
      await publishPolicy(trx, org, policy, 'admin', at('2026-02-01'));
      await trx('tenants').insert({ org_id: org, id: 'T1', name: 'Pat', kind: 'individual' });
      await trx('contact_points').insert({ org_id: org, tenant_id: 'T1', channel: 'email', value: 'pat@example.test' });
      await trx('tenant_consents').insert({
        org_id: org,
        tenant_id: 'T1',
        channel: 'email',
        granted: true,
        source: 'signup',
        changed_at: at('2026-01-01'),
      });
      await trx('lease_tenants').insert({ org_id: org, lease_id: 'L1', tenant_id: 'T1', role: 'primary' });
    });
    const rent = {
      kind: 'charge',
      lease_id: 'L1',
      external_id: 'R-1',
      charge_type: 'rent',
      amount_cents: 150_000,
      effective_on: '2026-03-01',
      due_on: '2026-03-01',
    };
    await ingestLedgerEvents(db, { orgId: org, source: 'test', actor: 'test', now: at('2026-03-01') }, [
      { row: 1, value: rent },
    ]);
  }
});

afterAll(async () => {
  db.relay = undefined;
  await db.close();
});

/** Evaluates L1 at `now` and dispatches what came due, in one transaction, as a lane does. */
async function evaluateAndSend(orgId: string, ports: Ports, now: Date) {
  const scope: DispatchScope = { db, orgId, guard: contactGuard, ports };
  const relayed: OutboxItem[] = [];
  db.relay = async (_trx, items) => {
    relayed.push(...items);
  };
  try {
    const sent = await db.withOrg(orgId, async (trx) => {
      await evaluateLeasesIn(
        trx,
        { db, orgId, policyFor: () => ({ id: 'house' }) },
        [{ leaseId: 'L1', input: { type: 'evaluate', cause: 'schedule' } }],
        now,
        { id: 'system:test', role: 'system' },
      );
      return dispatchDueIn(trx, scope, takeDueDispatches(trx, now), now);
    });
    const effect = await db.withOrg(orgId, (trx) => trx('effects').where({ key: KEY }).first());
    const records = await db.withOrg(orgId, (trx) => trx('sandbox_outbox').select('effect_key', 'recipients'));
    const audit = await db.withOrg(orgId, (trx) =>
      trx('audit_log').where({ subject_id: KEY }).orderBy('seq').pluck('action'),
    );
    return { sent, effect, records, audit, relayed };
  } finally {
    db.relay = undefined;
  }
}

test('a step due now is sent in the commit that decided it, once, with no dispatch job', async () => {
  const now = at('2026-03-03', '11:00');
  const { sent, effect, records, audit, relayed } = await evaluateAndSend('sandboxed', sandboxPorts(), now);
  expect(sent.map((d) => [d.key, d.status])).toEqual([[KEY, 'sent']]);
  expect(effect).toMatchObject({ status: 'sent', attempts: 1, provider: 'sandbox' });
  expect(records).toEqual([{ effect_key: KEY, recipients: [{ email: 'pat@example.test', name: 'Pat' }] }]);
  expect(audit).toEqual(['effect.scheduled', 'effect.sent']);
  expect(relayed.filter((item) => item.kind === 'dispatch')).toEqual([]);
  // The next lane (a re-delivered evaluation, a second worker) finds it done: nothing more.
  const again = await evaluateAndSend('sandboxed', sandboxPorts(), at('2026-03-03', '11:05'));
  expect(again.sent).toEqual([]);
  expect(again.records).toHaveLength(1);
  expect(again.audit).toEqual(['effect.scheduled', 'effect.sent']);
});

test('a step before its hour is not taken: its job is relayed for that instant', async () => {
  const { sent, effect, relayed } = await evaluateAndSend('early', sandboxPorts(), at('2026-03-03', '09:00'));
  expect(sent).toEqual([]);
  expect(effect).toMatchObject({ status: 'scheduled', attempts: 0 });
  expect(relayed.filter((item) => item.kind === 'dispatch')).toEqual([
    { kind: 'dispatch', orgId: 'early', key: KEY, at: at('2026-03-03', '10:00') },
  ]);
});

test('an effect for a provider called after the commit is left to its dispatch job, untouched', async () => {
  const calls: unknown[] = [];
  // A provider port (as Twilio's and SendGrid's are): called only after the effect commits.
  const afterCommit: OutboundPort<OutboundBase> = {
    channel: 'email',
    provider: 'post-commit',
    inTransaction: false,
    async send(message) {
      calls.push(message);
      return { provider: 'post-commit', provider_message_id: 'm-1', status: 'accepted' };
    },
  };
  const ports = { ...sandboxPorts(), email: afterCommit } as Ports;
  const now = at('2026-03-03', '11:00');
  const { sent, effect, records, audit, relayed } = await evaluateAndSend('provider', ports, now);
  expect(sent).toEqual([]);
  expect(calls).toEqual([]);
  expect(effect).toMatchObject({ status: 'scheduled', attempts: 0, provider: null });
  expect(records).toEqual([]);
  expect(audit).toEqual(['effect.scheduled']);
  // Noted back as the relay would have had it without the lane: due now (a step whose hour has
  // passed is scheduled for the instant it is decided at).
  expect(relayed.filter((item) => item.kind === 'dispatch')).toEqual([
    { kind: 'dispatch', orgId: 'provider', key: KEY, at: now },
  ]);
});

test('contexts refreshed after an evaluation are exactly what reading them afresh gives', async () => {
  const org = 'refresh';
  // A promise on L1 that broke yesterday (and L2, with nothing owed): evaluating writes the
  // hold's outcome, a new case track and new effects, all of which a refresh must pick up.
  await db.withOrg(org, (trx) =>
    trx('holds').insert({
      org_id: org,
      id: 'PTP-1',
      lease_id: 'L1',
      kind: 'promise_to_pay',
      status: 'active',
      starts_on: '2026-03-02',
      ends_on: '2026-03-04',
      terms: JSON.stringify({ promises: [{ by: '2026-03-04', amount_cents: 150_000 }] }),
      created_by: 'agent-1',
      created_at: at('2026-03-02', '09:00'),
    }),
  );
  const now = at('2026-03-06', '11:00');
  await db.withOrg(org, async (trx) => {
    await evaluateLeasesIn(
      trx,
      { db, orgId: org, policyFor: () => ({ id: 'house' }) },
      ['L1', 'L2'].map((leaseId) => ({ leaseId, input: { type: 'evaluate', cause: 'schedule' } as const })),
      now,
      { id: 'system:test', role: 'system' },
    );
    const evaluated = takeEvaluatedContexts(trx, now)!;
    expect([...evaluated.keys()].sort()).toEqual(['L1', 'L2']);
    // Once, and only at the instant it was decided at.
    expect(takeEvaluatedContexts(trx, now)).toBeUndefined();
    const refreshed = await refreshLeaseContexts(trx, org, evaluated);
    const afresh = await loadLeaseContexts(trx, org, ['L1', 'L2'], now);
    expect(refreshed).toEqual(afresh);
    // The evaluation did write what the refresh re-read: otherwise this proves nothing.
    const l1 = refreshed.get('L1')!;
    expect(l1.facts.holds.map((h) => h.status)).toEqual(['broken']);
    expect(evaluated.get('L1')!.facts.holds.map((h) => h.status)).toEqual(['active']);
    expect(l1.track).not.toBeNull();
    expect(evaluated.get('L1')!.track).toBeNull();
    expect(l1.known.length).toBeGreaterThan(evaluated.get('L1')!.known.length);
  });
});
