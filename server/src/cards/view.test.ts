import { LeaseCard, PolicyDocument } from '@arrears/shared';
import { addDays } from '../engine/days.ts';
import type { Hold, LeaseFacts } from '../engine/facts.ts';
import { EngineHarness, FIXTURE_TZ, leaseFacts, rent } from '../engine/testing/facts-fixture.ts';
import type { PinnedPolicy } from '../escalation/policies.ts';
import { builtinPolicy } from '../policy/builtin.ts';
import { zonedInstant } from '../time/zoned.ts';
import { buildLeaseCard, type CardData, type EffectRow } from './view.ts';

// The card's assembly without a database: severity and the next step must be exactly what the
// engine decides for the same facts at the same instant.

const residential = builtinPolicy('default-residential')!;
const pinned: PinnedPolicy = { id: 'default-residential', version: residential.version ?? 1, document: residential };

const aging = (today: string) => ({
  lease_id: 'L',
  property_id: 'P',
  as_of: today,
  balance_cents: 0,
  past_due_cents: 0,
  unapplied_credit_cents: 0,
  oldest_unpaid_due_on: null,
  days_past_due: 0,
  aging: { not_due_cents: 0, d0_30_cents: 0, d31_60_cents: 0, d61_90_cents: 0, d90_plus_cents: 0 },
});

function data(facts: LeaseFacts, overrides: Partial<CardData> = {}): CardData {
  return {
    now: zonedInstant(facts.today, '00:00', FIXTURE_TZ),
    facts,
    known: [],
    cards: [{ tenant_id: 'T', name: 'Ana Ruiz', language: 'es' }],
    unit: '4B',
    policy: pinned,
    pinned: true,
    aging: aging(facts.today),
    holdLeases: new Map(),
    approvals: [],
    timeline: [],
    limit: 50,
    levelChanges: [],
    ...overrides,
  };
}

const hold = (kind: Hold['kind'], extra: Partial<Hold> = {}): Hold => ({
  id: `H-${kind}`,
  kind,
  status: 'active',
  starts_on: '2026-03-10',
  ends_on: null,
  terms: {},
  created_by: 'agent-1',
  ...extra,
});

function row(seq: number, extra: Partial<EffectRow> = {}): EffectRow {
  return {
    seq: String(seq),
    key: `L:step-${seq}:2026-03-01`,
    type: 'email',
    status: 'sent',
    due_at: new Date('2026-03-03T17:00:00Z'),
    created_at: new Date('2026-03-03T08:00:00Z'),
    updated_at: new Date('2026-03-03T17:00:05Z'),
    step_id: `step-${seq}`,
    request_id: null,
    drafted_by: null,
    reason: null,
    rule: null,
    payload: { template: 'late-email' },
    ...extra,
  };
}

test('day by day, the card shows the level, days, balance, anchor and next step the engine decides', () => {
  const harness = new EngineHarness(residential);
  let checked = 0;
  const seen = new Set<string>();
  for (let day = '2026-03-01'; day <= '2026-05-15'; day = addDays(day, 1)) {
    const facts = leaseFacts(day, { open_charges: [rent('2026-03-01', 180_000)] });
    // The card read just before the day's evaluation, at the same instant, from the same ledger.
    const card = buildLeaseCard(data(facts, { known: [...harness.effects.values()] }));
    const decision = harness.evaluate(facts);
    expect(LeaseCard.parse(card)).toEqual(card);
    expect(card.severity).toMatchObject({
      level: decision.next.level,
      days_past_due: decision.next.days_past_due,
      balance_cents: decision.next.balance_cents,
      anchor_due_on: decision.next.anchor_due_on,
    });
    const next = card.next_action ? { type: card.next_action.type, on: card.next_action.on } : null;
    expect(next).toEqual(decision.next_action);
    if (next) seen.add(next.type);
    harness.sendAll();
    checked++;
  }
  expect(checked).toBe(76);
  expect([...seen].sort()).toEqual(expect.arrayContaining(['email', 'letter', 'notice', 'placement']));
});

test('the card names the level from the policy, and the levels below it', () => {
  const late = buildLeaseCard(data(leaseFacts('2026-03-12', { open_charges: [rent('2026-03-01')] })));
  expect(late.severity).toMatchObject({ level: 'L2', level_name: 'Delinquent', days_past_due: 11 });
  expect(late.severity.policy).toEqual({
    id: 'default-residential',
    version: 2,
    name: expect.any(String),
    pinned: true,
  });
  const current = buildLeaseCard(data(leaseFacts('2026-03-12')));
  expect(current.severity).toMatchObject({ level: 'current', level_name: 'Current', anchor_due_on: null });
  expect(current.next_action).toBeNull();
  const grace = buildLeaseCard(
    data({ ...leaseFacts('2026-03-02', { open_charges: [rent('2026-03-01')] }), lease: graceLease(5) }),
  );
  expect(grace.severity).toMatchObject({ level: 'L1', days_past_due: 1 });
  expect(grace.lease).toMatchObject({ id: 'L', unit: '4B', grace_days: 5, collector: 'first_party' });
  expect(grace.tenant).toEqual({ id: 'T', name: 'Ana Ruiz', language: 'es' });
  expect(grace.as_of).toBe('2026-03-02T00:00:00-08:00');
});

const graceLease = (grace_days: number): LeaseFacts['lease'] => ({ ...leaseFacts('2026-03-01').lease, grace_days });

test('next action: the step, its planned instant in the zone, and what holds do to it', () => {
  const facts = leaseFacts('2026-03-12', { open_charges: [rent('2026-03-01')] });
  expect(buildLeaseCard(data(facts)).next_action).toEqual({
    type: 'letter',
    on: '2026-03-15',
    at: '2026-03-15T09:00:00-07:00',
    step_id: 'demand-letter',
    level: 'L2',
    notice: null,
    paused_by: null,
  });
  // A promise to pay pauses automated steps: the step is still next, and the card says what holds it.
  const promise = buildLeaseCard(data({ ...facts, holds: [hold('promise_to_pay')] }));
  expect(promise.next_action).toMatchObject({ step_id: 'demand-letter', paused_by: 'H-promise_to_pay' });
  // A bankruptcy stay stops everything.
  expect(buildLeaseCard(data({ ...facts, holds: [hold('bankruptcy')] })).next_action).toBeNull();
  const day20 = leaseFacts('2026-03-20', { open_charges: [rent('2026-03-01')] });
  expect(buildLeaseCard(data(day20)).next_action).toMatchObject({ step_id: 'pay-or-quit', notice: 'pay_or_quit' });
  // Under SCRA the pay-or-quit, the referral and the placement all wait: nothing is next, as in decide.
  const scra = { ...day20, holds: [hold('scra')] };
  expect(buildLeaseCard(data(scra)).next_action).toBeNull();
  expect(new EngineHarness(residential).evaluate(scra).next_action).toBeNull();
  // Before the legal steps, SCRA changes nothing about the next contact.
  expect(buildLeaseCard(data({ ...facts, holds: [hold('scra')] })).next_action).toMatchObject({
    step_id: 'demand-letter',
    paused_by: null,
  });
});

test('holds in force or waiting are shown; ended ones are not', () => {
  const facts = leaseFacts('2026-03-12', {
    open_charges: [rent('2026-03-01')],
    holds: [
      hold('promise_to_pay', { id: 'P1', terms: { reason: 'paycheck Friday' } }),
      hold('manual', { id: 'M1', status: 'awaiting_approval', starts_on: '2026-03-12', ends_on: '2026-03-20' }),
      hold('payment_plan', { id: 'F1', starts_on: '2026-03-15' }),
      hold('bankruptcy', { id: 'B1', created_by: 'counsel-1' }),
      hold('manual', { id: 'X1', ends_on: '2026-03-11' }),
      hold('dispute', { id: 'X2', status: 'released' }),
    ],
  });
  const card = buildLeaseCard(data(facts, { holdLeases: new Map([['B1', 'OTHER']]) }));
  expect(card.holds).toEqual([
    {
      id: 'P1',
      kind: 'promise_to_pay',
      status: 'active',
      in_force: true,
      starts_on: '2026-03-10',
      ends_on: null,
      reason: 'paycheck Friday',
      created_by: 'agent-1',
      lease_id: 'L',
    },
    expect.objectContaining({ id: 'M1', status: 'awaiting_approval', in_force: false, ends_on: '2026-03-20' }),
    expect.objectContaining({ id: 'F1', status: 'active', in_force: false, starts_on: '2026-03-15' }),
    expect.objectContaining({ id: 'B1', kind: 'bankruptcy', in_force: true, lease_id: 'OTHER' }),
  ]);
  expect(card.next_action).toBeNull();
});

test('approvals waiting: what, for whom, drafted by whom and when', () => {
  const facts = leaseFacts('2026-03-25', { open_charges: [rent('2026-03-01')] });
  const rule = { id: 'US-TX/notice-to-vacate@2026-01-01', citation: 'Prop. Code 24.005', verified: false };
  const card = buildLeaseCard(
    data(facts, {
      approvals: [
        row(7, {
          key: 'L:notice:R1',
          type: 'approval_request',
          status: 'awaiting_approval',
          step_id: null,
          request_id: 'R1',
          drafted_by: 'agent-1',
          rule,
          payload: {
            action: 'notice',
            notice: 'notice_to_vacate',
            approver: 'counsel',
            amount_demanded_cents: 100_000,
          },
        }),
        row(8, {
          key: 'L:late-fee:2026-03-01',
          type: 'late_fee',
          status: 'awaiting_approval',
          payload: { amount_cents: 7_500, on: '2026-03-07' },
        }),
      ],
    }),
  );
  expect(card.awaiting_approval).toEqual([
    {
      key: 'L:notice:R1',
      seq: 7,
      type: 'approval_request',
      action: 'notice',
      notice: 'notice_to_vacate',
      approver: 'counsel',
      drafted_by: 'agent-1',
      drafted_at: '2026-03-03T00:00:00-08:00',
      amount_cents: 100_000,
      rule,
    },
    expect.objectContaining({
      key: 'L:late-fee:2026-03-01',
      type: 'late_fee',
      approver: 'manager',
      amount_cents: 7_500,
    }),
  ]);
});

test('timeline entries map the action ledger; one extra row means a next page', () => {
  const facts = leaseFacts('2026-03-25', { open_charges: [rent('2026-03-01')] });
  const rows = [
    row(5, {
      type: 'notice',
      status: 'suppressed',
      reason: 'nothing_to_demand',
      payload: { template: 'pay-or-quit', notice: 'pay_or_quit', channels: ['certified_letter', 'email'] },
      rule: { id: 'US-CA/pay-or-quit@2024-01-01', citation: 'CCP 1161(2)', verified: true },
    }),
    row(4, { type: 'late_fee', status: 'posted', step_id: null, payload: { amount_cents: 7_500 } }),
    row(3, { type: 'sms', request_id: 'REQ-9', step_id: null, payload: { template: 'agent-sms' } }),
  ];
  const full = buildLeaseCard(data(facts, { timeline: rows, limit: 3 }));
  expect(full.timeline.next_before).toBeNull();
  expect(full.timeline.entries.map((e) => e.seq)).toEqual([5, 4, 3]);
  expect(full.timeline.entries[0]).toEqual({
    seq: 5,
    key: 'L:step-5:2026-03-01',
    type: 'notice',
    status: 'suppressed',
    at: '2026-03-03T09:00:00-08:00',
    updated_at: '2026-03-03T09:00:05-08:00',
    step_id: 'step-5',
    reason: 'nothing_to_demand',
    rule: { id: 'US-CA/pay-or-quit@2024-01-01', citation: 'CCP 1161(2)', verified: true },
    template: 'pay-or-quit',
    channel: 'certified_letter',
    request_id: null,
    notice: 'pay_or_quit',
    amount_cents: null,
  });
  expect(full.timeline.entries[1]).toMatchObject({ type: 'late_fee', amount_cents: 7_500, channel: null });
  expect(full.timeline.entries[2]).toMatchObject({ type: 'sms', channel: 'sms', request_id: 'REQ-9' });
  const paged = buildLeaseCard(data(facts, { timeline: rows, limit: 2 }));
  expect(paged.timeline.entries.map((e) => e.seq)).toEqual([5, 4]);
  expect(paged.timeline.next_before).toBe(4);
});

test('level changes carry the transition and the policy that decided it', () => {
  const facts = leaseFacts('2026-03-25', { open_charges: [rent('2026-03-01')] });
  const card = buildLeaseCard(
    data(facts, {
      levelChanges: [
        {
          at: new Date('2026-03-11T08:00:00Z'),
          data: { from: 'L1', to: 'L2', days_past_due: 10, balance_cents: 100_000, policy: 'default-residential@2' },
        },
      ],
    }),
  );
  expect(card.level_changes).toEqual([
    {
      at: '2026-03-11T01:00:00-07:00',
      from: 'L1',
      to: 'L2',
      days_past_due: 10,
      balance_cents: 100_000,
      policy: 'default-residential@2',
    },
  ]);
});

test('a policy of its own names its levels', () => {
  const policy = PolicyDocument.parse({
    id: 'house',
    name: 'House rules',
    levels: [{ id: 'late', name: 'Late', days: { min: 3 }, steps: [{ id: 'nudge', day: 4, action: 'email' }] }],
    late_fees: { enabled: false },
  });
  const facts = leaseFacts('2026-03-03', { open_charges: [rent('2026-03-01')] });
  const card = buildLeaseCard(data(facts, { policy: { id: 'house', version: 3, document: policy }, pinned: false }));
  expect(card.severity).toMatchObject({
    policy: { id: 'house', version: 3, name: 'House rules', pinned: false },
    level: 'past_due',
    level_name: 'Past due',
  });
  expect(card.next_action).toMatchObject({ type: 'email', on: '2026-03-05', level: 'late' });
});
