import { PolicyDocument } from '@arrears/shared';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import type { Trx } from '../db/database.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { evaluateLease, evaluateLeaseIn, evaluateLeasesIn, type EscalationScope, type Evaluation } from './evaluate.ts';
import { publishPolicy } from './policies.ts';
import { dispatchEffect, finishDispatch, type DispatchScope } from './dispatch.ts';
import { prepareDispatches } from './dispatch-batch.ts';
import { contactGuard } from './guards.ts';
import { sandboxPorts } from '../providers/sandbox/sandbox.ts';

// A batch of evaluations reads its leases ahead in one statement (the runner's lanes, the
// simulated midnight scan): every decision must be exactly what evaluating each lease alone
// gives, and a lease evaluated twice in one batch must see its own first evaluation.
let db: TestDatabase;
const TZ = 'America/Los_Angeles';
const at = (day: string, time = '00:00') => zonedInstant(day, time, TZ);
const SYSTEM = { id: 'system:test', role: 'system' as const };
const LEASES = ['L1', 'L2', 'L3'];

const policy = PolicyDocument.parse({
  id: 'house',
  name: 'House',
  levels: [
    { id: 'L1', days: { min: 1 }, steps: [{ id: 'nudge', day: 2, action: 'email' }] },
    { id: 'L2', days: { min: 10 }, steps: [{ id: 'call', day: 10, action: 'call' }] },
  ],
  late_fees: { enabled: false },
});

const scope = (orgId: string): EscalationScope => ({ db, orgId, policyFor: () => ({ id: 'house' }) });
/** `evaluateLeasesIn` of `leases` (scheduled evaluations) in the caller's transaction. */
const batch = (trx: Trx, orgId: string, leases: string[], now: Date) =>
  evaluateLeasesIn(
    trx,
    scope(orgId),
    leases.map((leaseId) => ({ leaseId, input: { type: 'evaluate', cause: 'schedule' } as const })),
    now,
    SYSTEM,
  );

beforeAll(async () => {
  db = await openTestDatabase('prefetch');
  for (const org of ['alone', 'batched']) {
    await seedOrg(db, org, [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }, { id: 'L3', rent_cents: 90_000 }]);
    // The org's name is in every message it sends: the two orgs must read alike.
    await db.knex('orgs').where({ org_id: org }).update({ name: 'Acme Homes' });
    await db.withOrg(org, async (trx) => {
      await publishPolicy(trx, org, policy, 'admin', at('2026-02-01'));
      // L1's tenant has an email address; L2's has no way to be reached.
      await trx('tenants').insert([
        { org_id: org, id: 'T1', name: 'Pat', kind: 'individual' },
        { org_id: org, id: 'T2', name: 'Sam', kind: 'individual' },
      ]);
      await trx('contact_points').insert({ org_id: org, tenant_id: 'T1', channel: 'email', value: 'pat@example.test' });
      await trx('lease_tenants').insert([
        { org_id: org, lease_id: 'L1', tenant_id: 'T1', role: 'primary' },
        { org_id: org, lease_id: 'L2', tenant_id: 'T2', role: 'primary' },
      ]);
    });
    // L1 owes March, L2 owes March minus a partial payment, L3 paid.
    const events = [
      ...LEASES.map((lease) => ({
        kind: 'charge',
        lease_id: lease,
        external_id: `R-${lease}`,
        charge_type: 'rent',
        amount_cents: lease === 'L3' ? 90_000 : 200_000,
        effective_on: '2026-03-01',
        due_on: '2026-03-01',
      })),
      { kind: 'payment', lease_id: 'L2', external_id: 'P-L2', amount_cents: 50_000, effective_on: '2026-03-04' },
      { kind: 'payment', lease_id: 'L3', external_id: 'P-L3', amount_cents: 90_000, effective_on: '2026-03-01' },
    ].map((value, i) => ({ row: i + 1, value }));
    await ingestLedgerEvents(db, { orgId: org, source: 'test', actor: 'test', now: at('2026-03-01') }, events);
  }
});
afterAll(() => db.close());

test('decisions of a prefetched batch are exactly those of each lease alone, day after day', async () => {
  for (const day of ['2026-03-02', '2026-03-03', '2026-03-11', '2026-03-12']) {
    const now = at(day);
    const alone: Evaluation[] = [];
    for (const lease of LEASES)
      alone.push(await evaluateLease(scope('alone'), lease, { type: 'evaluate', cause: 'schedule' }, now, SYSTEM));
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql);
    db.knex.on('query', listen);
    const batched = await db.withOrg('batched', async (trx) => {
      const decided = await batch(trx, 'batched', LEASES, now);
      return LEASES.map((lease) => decided.get(lease)!);
    });
    db.knex.off('query', listen);
    // Set-based: one lock, one context read and at most one write per table for the batch.
    expect(statements.filter((sql) => sql.includes('for no key update'))).toHaveLength(1);
    expect(statements.filter((sql) => sql.includes('with l as ('))).toHaveLength(1);
    for (const table of ['update cases', 'insert into "cases"', 'insert into "effects"', 'insert into "case_events"'])
      expect(statements.filter((sql) => sql.includes(table)).length).toBeLessThanOrEqual(1);
    const strip = (e: (typeof alone)[number]) => ({ next: e.next, commands: e.commands, wake_on: e.wake_on });
    expect(batched.map(strip)).toEqual(alone.map(strip));
  }
  const effects = (org: string) =>
    db.withOrg(org, (trx) => trx('effects').orderBy('key').select('key', 'type', 'status', 'due_at'));
  expect(await effects('batched')).toEqual(await effects('alone'));
  expect((await effects('alone')).map((e) => e.key)).toEqual([
    'L1:call:2026-03-01',
    'L1:nudge:2026-03-01',
    'L2:call:2026-03-01',
    'L2:nudge:2026-03-01',
  ]);
});

test('a batch may not name a lease twice; a lease evaluated again after it sees the batch', async () => {
  const now = at('2026-03-20');
  await db.withOrg('batched', async (trx) => {
    await expect(batch(trx, 'batched', ['L1', 'L1'], now)).rejects.toThrow('a lease appears twice');
  });
  await db.withOrg('batched', async (trx) => {
    const first = await batch(trx, 'batched', ['L1', 'L2'], now);
    expect(first.get('L1')!.next.evaluated_on).toBe('2026-03-20');
    // The same lease again in the same transaction starts from what the batch wrote.
    const again = await evaluateLeaseIn(trx, scope('batched'), 'L1', { type: 'evaluate', cause: 'b' }, now, SYSTEM);
    expect(again.commands).toEqual([]);
    expect(again.transition).toBeNull();
  });
});

test('a batch naming a lease that does not exist fails as a whole, with that lease named', async () => {
  const now = at('2026-03-21');
  await expect(db.withOrg('batched', (trx) => batch(trx, 'batched', ['L1', 'NOPE'], now))).rejects.toThrow(
    'lease NOPE not found',
  );
  // Another org's leases of the same ids are never read into this org's batch.
  const decided = await db.withOrg('alone', (trx) => batch(trx, 'alone', ['L1', 'L2'], now));
  expect(decided.get('L2')!.next.balance_cents).toBe(150_000);
});

test('a batch of dispatches reads its leases once and ends exactly as dispatching each alone', async () => {
  const now = at('2026-03-22', '12:00');
  const dispatchScope = (orgId: string): DispatchScope => ({
    db,
    orgId,
    guard: contactGuard,
    ports: sandboxPorts(),
  });
  const scheduled = (org: string) =>
    db.withOrg(org, (trx) => trx('effects').where({ status: 'scheduled' }).orderBy('key').pluck('key'));
  const keys = await scheduled('alone');
  expect(keys.length).toBeGreaterThan(1);
  expect(await scheduled('batched')).toEqual(keys);
  // What each dispatch asks the runner to do next (the outbox relay sees it before commit).
  const followUps: string[] = [];
  db.relay = async (_trx, items) => {
    for (const item of items) if (item.kind === 'evaluate') followUps.push(`${item.leaseId} ${item.cause}`);
  };
  for (const key of keys) await dispatchEffect(dispatchScope('alone'), key, now);
  db.relay = undefined;
  // A sent reminder changes nothing the engine plans on: no follow-up evaluation for it; each
  // blocked effect gets one (escalation/follow-up.ts).
  expect(followUps).toEqual(['L1 dispatch', 'L2 dispatch', 'L2 dispatch']);
  const statements: string[] = [];
  const listen = (q: { sql: string }) => statements.push(q.sql);
  db.knex.on('query', listen);
  const prepared = await db.withOrg('batched', (trx) => prepareDispatches(trx, dispatchScope('batched'), keys, now));
  db.knex.off('query', listen);
  expect([...prepared.keys()].sort()).toEqual(keys);
  for (const p of prepared.values()) await finishDispatch(dispatchScope('batched'), p, now);
  // One read for the batch; a lease's second effect reads afresh (its first may have changed it),
  // and so does its status change: one statement for the firsts, one for each second.
  const leases = new Set(keys.map((key) => key.split(':')[0]));
  expect(statements.filter((sql) => sql.includes('with l as ('))).toHaveLength(1 + keys.length - leases.size);
  expect(
    statements.filter((sql) => sql.startsWith('update effects') || sql.startsWith('update "effects"')),
  ).toHaveLength(1 + keys.length - leases.size);
  // Contact cards come with the lease's context: no statement of their own.
  expect(statements.filter((sql) => sql.includes('contact_points') && !sql.includes('with l as ('))).toEqual([]);
  // Everything but the sandbox's message id (it differs per org).
  const outcome = async (org: string) =>
    (await db.withOrg(org, (trx) => trx('effects').orderBy('key').select('key', 'status', 'reason', 'payload'))).map(
      (e: { key: string; status: string; reason: string | null; payload: { delivery?: Record<string, unknown> } }) => {
        delete e.payload.delivery?.provider_message_id;
        return e;
      },
    );
  expect(await outcome('batched')).toEqual(await outcome('alone'));
  // The same messages recorded and the same audit rows (a lease's in the same order; leases may
  // interleave differently).
  const sandbox = async (org: string) =>
    db.withOrg(org, (trx) =>
      trx('sandbox_outbox').orderBy(['effect_key', 'channel']).select('effect_key', 'channel', 'recipients', 'body'),
    );
  expect(await sandbox('batched')).toEqual(await sandbox('alone'));
  expect((await sandbox('alone')).length).toBeGreaterThan(0);
  const trail = async (org: string) =>
    db.withOrg(org, (trx) =>
      trx('audit_log')
        .where({ actor: 'system:dispatcher' })
        .orderBy([{ column: 'subject_id' }, { column: 'seq' }])
        .select('action', 'subject_id', 'data'),
    );
  expect(await trail('batched')).toEqual(await trail('alone'));
  expect((await outcome('alone')).map((e) => [e.key, e.status, e.reason])).toEqual([
    ['L1:call:2026-03-01', 'blocked', 'no_phone_number'],
    ['L1:nudge:2026-03-01', 'sent', null],
    ['L2:call:2026-03-01', 'blocked', 'no_phone_number'],
    ['L2:nudge:2026-03-01', 'blocked', 'no_email_address'],
  ]);
});
