import { sandboxPorts } from '../providers/sandbox/sandbox.ts';
import { PolicyDocument } from '@arrears/shared';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { contactGuard } from './guards.ts';
import { dispatchEffect, dueEffects } from './dispatch.ts';
import { evaluateLease, type EscalationScope } from './evaluate.ts';
import { loadFacts } from './facts.ts';
import { publishPolicy } from './policies.ts';
import { insertHold } from './signals.ts';

// The engine's I/O on real PostgreSQL: pinned policy versions, one effect per key under
// concurrent evaluation, dispatch exactly once, a backdated hold's fee reversal posted once, and
// org isolation of the new tables.
let db: TestDatabase;
const TZ = 'America/Los_Angeles';
const at = (day: string, time = '00:00') => zonedInstant(day, time, TZ);
const SYSTEM = { id: 'system:test', role: 'system' as const };

const v1 = PolicyDocument.parse({
  id: 'house',
  name: 'House v1',
  levels: [{ id: 'L1', days: { min: 1 }, steps: [{ id: 'nudge', day: 2, action: 'email' }] }],
  late_fees: { enabled: false },
});
const v2 = PolicyDocument.parse({
  ...v1,
  name: 'House v2',
  levels: [{ id: 'L1', days: { min: 1 }, steps: [{ id: 'nudge', day: 5, action: 'letter' }] }],
});

beforeAll(async () => {
  db = await openTestDatabase('evaluate');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }, { id: 'L3' }, { id: 'L4' }]);
  await seedOrg(db, 'other', [{ id: 'P1' }], [{ id: 'L1' }]);
  for (const org of ['acme', 'other'])
    await db.withOrg(org, (trx) => publishPolicy(trx, org, v1, 'admin', at('2026-02-01')));
  const charges = ['L1', 'L2', 'L3', 'L4'].map((lease, i) => ({
    row: i + 1,
    value: {
      kind: 'charge',
      lease_id: lease,
      external_id: `R-${lease}`,
      charge_type: 'rent',
      amount_cents: 100_000,
      effective_on: '2026-03-01',
      due_on: '2026-03-01',
    },
  }));
  await ingestLedgerEvents(db, { orgId: 'acme', source: 'test', actor: 'test', now: at('2026-03-01') }, charges);
});
afterAll(() => db.close());

const scope: EscalationScope = {
  get db() {
    return db;
  },
  orgId: 'acme',
  policyFor: () => ({ id: 'house' }),
};

test('a case keeps the policy version it started with; a new case takes the latest', async () => {
  await evaluateLease(scope, 'L1', { type: 'evaluate', cause: 'schedule' }, at('2026-03-02'), SYSTEM);
  const published = await db.withOrg('acme', (trx) =>
    publishPolicy(trx, 'acme', v2, 'admin', at('2026-03-02', '12:00')),
  );
  expect(published).toEqual({ version: 2, created: true });
  const pinned = await evaluateLease(scope, 'L1', { type: 'evaluate', cause: 'schedule' }, at('2026-03-03'), SYSTEM);
  expect(`${pinned.policy.id}@${pinned.policy.version}`).toBe('house@1');
  expect(pinned.commands).toEqual([
    expect.objectContaining({
      op: 'create',
      effect: expect.objectContaining({ key: 'L1:nudge:2026-03-01', type: 'email' }),
    }),
  ]);
  const fresh = await evaluateLease(scope, 'L2', { type: 'evaluate', cause: 'schedule' }, at('2026-03-03'), SYSTEM);
  expect(fresh.policy.version).toBe(2);
  expect(fresh.commands).toEqual([]);
});

test('two workers evaluating one lease at once produce one effect, and it is dispatched once', async () => {
  const now = at('2026-03-06');
  const results = await Promise.all(
    [1, 2, 3].map(() => evaluateLease(scope, 'L3', { type: 'evaluate', cause: 'schedule' }, now, SYSTEM)),
  );
  const created = results.flatMap((r) => r.commands.filter((c) => c.op === 'create'));
  expect(created).toHaveLength(1);
  const due = await dueEffects(db, 'acme', at('2026-03-06', '23:00'));
  const keys = due.map((d) => d.key);
  expect(keys).toContain('L3:nudge:2026-03-01');
  const outcomes = await Promise.all(
    [1, 2].map(() =>
      dispatchEffect(
        { db, orgId: 'acme', guard: contactGuard, ports: sandboxPorts() },
        'L3:nudge:2026-03-01',
        at('2026-03-06', '09:00'),
      ),
    ),
  );
  expect(outcomes.filter((o) => o !== null)).toEqual([expect.objectContaining({ status: 'sent' })]);
  const audit = await db.withOrg('acme', (trx) =>
    trx('audit_log').where({ subject_id: 'L3:nudge:2026-03-01' }).pluck('action'),
  );
  expect(audit).toEqual(['effect.scheduled', 'effect.sent']);
});

test('a bankruptcy entered Mar 12 from Mar 4 credits the Mar 7 fee back once, however often it runs', async () => {
  const fees = PolicyDocument.parse({
    id: 'fees',
    name: 'Flat fee',
    levels: [{ id: 'L1', days: { min: 10 }, steps: [] }],
    late_fees: { default_terms: { kind: 'flat', amount_cents: 7500 } },
  });
  await db.withOrg('acme', (trx) => publishPolicy(trx, 'acme', fees, 'admin', at('2026-02-01')));
  const feeScope: EscalationScope = { db, orgId: 'acme', policyFor: () => ({ id: 'fees' }) };
  const dispatchScope = {
    db,
    orgId: 'acme',
    guard: contactGuard,
    ports: sandboxPorts(),
  };
  const fee = 'L4:late_fee:2026-03-01';
  await evaluateLease(feeScope, 'L4', { type: 'evaluate', cause: 'schedule' }, at('2026-03-07'), SYSTEM);
  expect(await dispatchEffect(dispatchScope, fee, at('2026-03-07', '08:00'))).toMatchObject({ status: 'posted' });

  const entered = at('2026-03-12', '10:00');
  await db.withOrg('acme', (trx) =>
    insertHold(
      { trx, orgId: 'acme', leaseId: 'L4', now: entered, timezone: TZ },
      'BK-4',
      'bankruptcy',
      'active',
      '2026-03-04',
      null,
      { chapter: 7 },
      'agent-1',
    ),
  );
  const evaluations = await Promise.all(
    [1, 2].map(() => evaluateLease(feeScope, 'L4', { type: 'evaluate', cause: 'hold' }, entered, SYSTEM)),
  );
  const reversals = evaluations.flatMap((e) =>
    e.commands.flatMap((c) => (c.op === 'create' && c.effect.type === 'fee_reversal' ? [c.effect] : [])),
  );
  expect(reversals).toEqual([
    expect.objectContaining({
      key: `${fee}:reversed`,
      status: 'scheduled',
      payload: expect.objectContaining({ amount_cents: 7500, reverses: fee, hold: 'BK-4', kind: 'bankruptcy' }),
    }),
  ]);
  const dispatched = await Promise.all([1, 2].map(() => dispatchEffect(dispatchScope, `${fee}:reversed`, entered)));
  expect(dispatched.filter((d) => d !== null)).toEqual([expect.objectContaining({ status: 'posted' })]);
  const again = await evaluateLease(feeScope, 'L4', { type: 'evaluate', cause: 'schedule' }, at('2026-03-13'), SYSTEM);
  expect(again.commands.filter((c) => c.op === 'create' && c.effect.type === 'fee_reversal')).toEqual([]);

  const { entries, audit, facts } = await db.withOrg('acme', async (trx) => ({
    entries: await trx('ledger_entries')
      .where({ org_id: 'acme', lease_id: 'L4' })
      .whereNot({ kind: 'charge' })
      .select('kind', 'source', 'external_id', 'amount_cents', 'effective_on', 'memo'),
    audit: await trx('audit_log')
      .where({ subject_id: `${fee}:reversed` })
      .orderBy('seq')
      .select('action', 'data'),
    facts: await loadFacts(trx, 'acme', 'L4', at('2026-03-13')),
  }));
  expect(entries).toEqual([
    {
      kind: 'credit',
      source: 'arrears',
      external_id: `${fee}:reversed`,
      amount_cents: 7500,
      effective_on: expect.anything(),
      memo: `late fee ${fee} (2026-03-07) reversed: hold BK-4 (bankruptcy) covers that day`,
    },
  ]);
  expect(audit.map((a) => a.action)).toEqual(['effect.scheduled', 'effect.posted']);
  expect(audit[1]!.data).toMatchObject({ type: 'fee_reversal', amount_cents: 7500, reverses: fee, hold: 'BK-4' });
  // The balance is the rent alone. The ledger allocated the credit like any credit, to the
  // oldest charge; escalation reads it as what it is, the fee taken back (rent-first.ts).
  expect(facts.balance_cents).toBe(100_000);
  expect(facts.open_charges.map((c) => [c.charge_type, c.open_cents])).toEqual([['rent', 100_000]]);
  expect(facts.credits).toEqual([expect.objectContaining({ external_id: `${fee}:reversed`, source: 'arrears' })]);
  expect(facts.holds).toEqual([
    expect.objectContaining({ id: 'BK-4', starts_on: '2026-03-04', recorded_on: '2026-03-12' }),
  ]);
});

test('effects, holds and policies are visible to their own org only', async () => {
  const counts = await db.withOrg('other', async (trx) => ({
    effects: Number((await trx('effects').count({ n: '*' }))[0]!.n),
    policies: await trx('policies').pluck('org_id'),
  }));
  expect(counts).toEqual({ effects: 0, policies: ['other'] });
  await expect(
    db.withOrg('other', (trx) =>
      trx('effects').insert({
        org_id: 'acme',
        key: 'x',
        lease_id: 'L1',
        type: 'email',
        status: 'scheduled',
        due_at: new Date(),
        created_at: new Date(),
        updated_at: new Date(),
      }),
    ),
  ).rejects.toThrow(/row-level security/);
  await expect(
    db.withOrg('acme', (trx) => trx('policies').where({ id: 'house', version: 1 }).update({ sha256: 'x' })),
  ).rejects.toThrow(/permission denied|append-only/);
});
