import { PolicyDocument } from '@arrears/shared';
import { localDate, zonedInstant } from '../time/zoned.ts';
import { contactGuard } from '../escalation/guards.ts';
import { dispatchDecision } from './dispatch.ts';
import { planNotice } from './notices.ts';
import type { KnownEffect } from './facts.ts';
import { EngineHarness, FIXTURE_TZ, leaseFacts, rent } from './testing/facts-fixture.ts';

// One regression test per bug the open-source engines shipped (user-needs.md §2): each names
// the upstream issue and proves Arrears does not have it.

const policy = PolicyDocument.parse({
  id: 'regressions',
  name: 'regressions',
  reminders: [{ id: 'pre-due', days_before_due: 3, channel: 'email' }],
  levels: [
    { id: 'L1', days: { min: 10 }, steps: [{ id: 'l1-email', day: 10, action: 'email' }] },
    { id: 'L2', days: { min: 30 }, steps: [{ id: 'l2-sms', day: 32, at: '10:00', action: 'sms' }] },
  ],
  late_fees: { default_terms: { kind: 'flat', amount_cents: 5000 } },
});
const allow = () => ({ ok: true }) as const;

describe('Kill Bill', () => {
  test('#695: a credit that brings the balance to zero clears the state', () => {
    const engine = new EngineHarness(policy);
    engine.evaluate(leaseFacts('2026-03-12', { open_charges: [rent('2026-03-01')] }));
    expect(engine.state.level).toBe('L1');
    const after = engine.evaluate(
      leaseFacts('2026-03-12', {
        credits: [{ external_id: 'CR', kind: 'credit', amount_cents: 100_000, effective_on: '2026-03-12' }],
      }),
      '15:00',
    );
    expect(after.next.level).toBe('current');
    expect(engine.ofType('cure')).toHaveLength(1);
  });

  test('#687: nothing stays blocked after payment; pending steps are cancelled', () => {
    const engine = new EngineHarness(policy);
    engine.evaluate(leaseFacts('2026-03-11', { open_charges: [rent('2026-03-01')] }));
    expect(engine.effects.get('L:l1-email:2026-03-01')?.status).toBe('scheduled');
    engine.evaluate(leaseFacts('2026-03-11'), '08:00');
    expect(engine.effects.get('L:l1-email:2026-03-01')?.status).toBe('cancelled');
  });

  test('#472: a payment racing the scheduled step wins: the step is re-checked at send time', () => {
    const effect: KnownEffect = {
      key: 'L:l2-sms:2026-02-01',
      type: 'sms',
      status: 'scheduled',
      step_id: 'l2-sms',
      anchor_due_on: '2026-02-01',
      request_id: null,
      drafted_by: null,
      due_at: zonedInstant('2026-03-05', '10:00', FIXTURE_TZ).toISOString(),
      payload: { level: 'L2' },
    };
    const paid = leaseFacts('2026-03-05', { open_charges: [rent('2026-03-01')] });
    expect(dispatchDecision(policy, effect, paid, zonedInstant('2026-03-05', '10:00', FIXTURE_TZ), allow)).toEqual({
      status: 'suppressed',
      reason: 'level_dropped',
    });
  });

  test('#2297: after a partial payment the next check is anchored to the next due date, not the check date', () => {
    const engine = new EngineHarness(policy);
    engine.evaluate(leaseFacts('2026-03-05', { open_charges: [rent('2026-02-01'), rent('2026-03-01')] }));
    const decision = engine.evaluate(leaseFacts('2026-03-05', { open_charges: [rent('2026-03-01')] }), '12:00');
    expect(decision.next.anchor_due_on).toBe('2026-03-01');
    expect(decision.next_action).toEqual({ type: 'email', on: '2026-03-11' });
  });
});

describe('Fineract', () => {
  test('#2739: after a chargeback the level is recomputed from the original due date at once', () => {
    const engine = new EngineHarness(policy);
    engine.evaluate(leaseFacts('2026-03-09', { open_charges: [rent('2026-03-01')] }));
    const reopened = engine.evaluate(
      leaseFacts('2026-03-09', { open_charges: [rent('2026-02-01'), rent('2026-03-01')] }),
      '09:00',
    );
    expect(reopened.next).toMatchObject({ level: 'L2', days_past_due: 36, anchor_due_on: '2026-02-01' });
  });

  test("#3104: the end-of-day run uses the lease's own local day, not the server's", () => {
    const lastMinute = zonedInstant('2026-03-10', '23:59', FIXTURE_TZ);
    expect(lastMinute.toISOString().slice(0, 10)).toBe('2026-03-11');
    expect(localDate(lastMinute, FIXTURE_TZ)).toBe('2026-03-10');
  });

  test('#5100: after a pause the steps keep their original due dates (keys) and resume on the next business day', () => {
    const engine = new EngineHarness(policy);
    const hold = {
      id: 'H',
      kind: 'manual' as const,
      status: 'expired' as const,
      starts_on: '2026-03-09',
      ends_on: '2026-03-13',
      terms: {},
      created_by: 'a',
    };
    engine.evaluate(
      leaseFacts('2026-03-11', { open_charges: [rent('2026-03-01')], holds: [{ ...hold, status: 'active' }] }),
    );
    expect(engine.created.filter((c) => c.effect.step_id === 'l1-email')).toEqual([]);
    engine.evaluate(leaseFacts('2026-03-14', { open_charges: [rent('2026-03-01')], holds: [hold] }));
    expect(engine.created.filter((c) => c.effect.step_id === 'l1-email')).toEqual([]); // Saturday
    engine.evaluate(leaseFacts('2026-03-16', { open_charges: [rent('2026-03-01')], holds: [hold] }));
    expect(engine.created.find((c) => c.effect.step_id === 'l1-email')).toMatchObject({
      day: '2026-03-16',
      effect: { key: 'L:l1-email:2026-03-01' },
    });
  });
});

describe('Lago', () => {
  test('#1074: one fee however the runs fall around midnight', () => {
    const engine = new EngineHarness(policy);
    for (const time of ['00:00', '00:01', '12:00', '23:59'])
      engine.evaluate(leaseFacts('2026-03-02', { open_charges: [rent('2026-03-01')] }), time);
    expect(engine.ofType('late_fee')).toHaveLength(1);
  });

  test('#4179: a balance of exactly zero finishes the case', () => {
    const engine = new EngineHarness(policy);
    engine.evaluate(leaseFacts('2026-03-12', { open_charges: [rent('2026-03-01')] }));
    engine.evaluate(leaseFacts('2026-03-13', { balance_cents: 0 }));
    expect(engine.ofType('cure')).toHaveLength(1);
  });
});

describe('ERPNext', () => {
  test('#58220: paying the rent but not the fee does not resolve the case', () => {
    const engine = new EngineHarness(policy);
    engine.evaluate(leaseFacts('2026-03-12', { open_charges: [rent('2026-03-01')] }));
    const after = engine.evaluate(
      leaseFacts('2026-03-13', { open_charges: [{ ...rent('2026-03-02', 5000, 'late_fee'), amount_cents: 5000 }] }),
    );
    expect(after.next.level).toBe('L1');
    expect(engine.ofType('cure')).toEqual([]);
  });

  test('#42605: one notice over several charges demands their sum, net of open credit', () => {
    const facts = leaseFacts('2026-03-25', {
      open_charges: [
        rent('2026-02-01'),
        rent('2026-03-01', 60_000),
        { ...rent('2026-03-07', 5000, 'late_fee'), amount_cents: 5000 },
      ],
      unapplied_credit_cents: 10_000,
      balance_cents: 155_000,
    });
    const plan = planNotice('pay_or_quit', facts, '2026-03-25');
    expect(plan).toMatchObject({
      ok: true,
      terms: { amount_demanded_cents: 150_000, charges: ['rent-2026-02-01', 'rent-2026-03-01'] },
    });
  });

  test('#45685: nothing happens on the due date itself', () => {
    const engine = new EngineHarness(policy);
    const decision = engine.evaluate(leaseFacts('2026-03-01', { open_charges: [rent('2026-03-01')] }), '18:00');
    expect(decision.next.level).toBe('current');
    expect(engine.created.filter((c) => c.effect.type !== 'email' || !c.effect.payload.reminder)).toEqual([]);
  });
});

describe('Invoice Ninja', () => {
  test('#2330: the late fee is not added every hour', () => {
    const engine = new EngineHarness(policy);
    for (let hour = 0; hour < 24; hour++)
      engine.evaluate(
        leaseFacts('2026-03-03', { open_charges: [rent('2026-03-01')] }),
        `${String(hour).padStart(2, '0')}:30`,
      );
    expect(engine.ofType('late_fee')).toHaveLength(1);
  });

  test("#9312: no automated reminder right after an agent's own message on that channel", () => {
    const engine = new EngineHarness(policy);
    const sent = zonedInstant('2026-03-10', '17:00', FIXTURE_TZ).toISOString();
    engine.effects.set('L:request:R1', {
      key: 'L:request:R1',
      type: 'email',
      status: 'sent',
      step_id: null,
      anchor_due_on: '2026-03-01',
      request_id: 'R1',
      drafted_by: 'agent',
      due_at: sent,
      payload: {},
    });
    engine.evaluate(leaseFacts('2026-03-11', { open_charges: [rent('2026-03-01')] }));
    expect(engine.effects.get('L:l1-email:2026-03-01')).toMatchObject({ status: 'suppressed' });
  });

  test('#8665 / #792: reminders go out at local time and name the local due date', () => {
    for (const zone of ['America/Los_Angeles', 'Pacific/Honolulu', 'America/New_York']) {
      const engine = new EngineHarness(policy);
      const facts = leaseFacts('2026-03-29');
      engine.evaluate({ ...facts, property: { ...facts.property, timezone: zone } });
      const [reminder] = engine.ofType('email');
      expect(reminder?.payload).toMatchObject({ reminder: true, due_on: '2026-04-01' });
      expect(reminder?.due_at.toISOString()).toBe(zonedInstant('2026-03-29', '09:00', zone).toISOString());
    }
  });
});

describe('Odoo / OCA', () => {
  test('Odoo #3553: a promise paid in full ends the hold', () => {
    const engine = new EngineHarness(policy);
    const promise = {
      id: 'P',
      kind: 'promise_to_pay' as const,
      status: 'active' as const,
      starts_on: '2026-03-10',
      ends_on: '2026-03-20',
      terms: { promises: [{ by: '2026-03-20', amount_cents: 100_000 }] },
      created_by: 'a',
    };
    const decision = engine.evaluate(
      leaseFacts('2026-03-15', {
        holds: [promise],
        credits: [{ external_id: 'PAY', kind: 'payment', amount_cents: 100_000, effective_on: '2026-03-15' }],
      }),
    );
    expect(decision.commands).toContainEqual(expect.objectContaining({ op: 'hold', id: 'P', status: 'kept' }));
  });

  test('Odoo #5571: a charge not yet due is not overdue', () => {
    const engine = new EngineHarness(policy);
    expect(engine.evaluate(leaseFacts('2026-03-31', { open_charges: [rent('2026-04-01')] })).next).toMatchObject({
      level: 'current',
      balance_cents: 0,
    });
  });

  test("OCA #460: a step for one charge does not suppress the next charge's steps", () => {
    const engine = new EngineHarness(policy);
    engine.evaluate(leaseFacts('2026-02-11', { open_charges: [rent('2026-02-01')] }));
    engine.sendAll();
    engine.evaluate(leaseFacts('2026-03-11', { open_charges: [rent('2026-03-01')] }));
    expect(engine.created.filter((c) => c.effect.step_id === 'l1-email').map((c) => c.effect.key)).toEqual([
      'L:l1-email:2026-02-01',
      'L:l1-email:2026-03-01',
    ]);
  });
});

test('FOSSBilling #4024: the scheduled run can fire as often as it likes; each step goes out once', () => {
  const engine = new EngineHarness(policy);
  for (let run = 0; run < 10; run++)
    engine.evaluate(leaseFacts('2026-03-11', { open_charges: [rent('2026-03-01')] }), '06:00');
  expect(engine.created.filter((c) => c.effect.step_id === 'l1-email')).toHaveLength(1);
});

describe('what users of other tools suffer (user-needs.md §1, §3)', () => {
  const transit = {
    id: 'ACH',
    kind: 'payment_in_transit' as const,
    status: 'active' as const,
    starts_on: '2026-03-02',
    ends_on: '2026-03-20',
    terms: {},
    created_by: 'agent',
  };

  test('a payment in transit pauses reminders and fees until it clears', () => {
    const engine = new EngineHarness(policy);
    for (const day of ['2026-03-02', '2026-03-03', '2026-03-11', '2026-03-12'])
      engine.evaluate(leaseFacts(day, { open_charges: [rent('2026-03-01')], holds: [transit] }));
    expect(engine.created).toEqual([]);
    // It cleared: the payment posted and the hold is kept; nothing was sent meanwhile.
    const cleared = engine.evaluate(
      leaseFacts('2026-03-13', {
        holds: [transit],
        credits: [{ external_id: 'ACH-1', kind: 'payment', amount_cents: 100_000, effective_on: '2026-03-13' }],
      }),
    );
    expect(cleared.commands).toContainEqual(expect.objectContaining({ op: 'hold', id: 'ACH', status: 'kept' }));
    expect(engine.ofType('late_fee')).toEqual([]);
  });

  test('autopay tenants get no reminder the autopay already covers', () => {
    const engine = new EngineHarness(policy);
    const facts = leaseFacts('2026-03-29');
    engine.evaluate({ ...facts, lease: { ...facts.lease, autopay: true } });
    expect(engine.created).toEqual([]);
    const manual = new EngineHarness(policy);
    manual.evaluate(facts);
    expect(manual.ofType('email')).toHaveLength(1);
  });

  test('an org that reviews fees gets each fee as an approval, not a posting', () => {
    const engine = new EngineHarness(policy);
    const facts = leaseFacts('2026-03-02', { open_charges: [rent('2026-03-01')] });
    engine.evaluate({ ...facts, org: { ...facts.org, fee_review: true } });
    expect(engine.ofType('late_fee')).toEqual([
      expect.objectContaining({
        status: 'awaiting_approval',
        payload: expect.objectContaining({ amount_cents: 5000 }),
      }),
    ]);
  });
});

test('a reviewed fee, once approved by a manager, goes back to the outbox to post', () => {
  const engine = new EngineHarness(policy);
  const facts = leaseFacts('2026-03-02', { open_charges: [rent('2026-03-01')] });
  const reviewed = { ...facts, org: { ...facts.org, fee_review: true } };
  engine.evaluate(reviewed);
  engine.evaluate(reviewed, '10:00', {
    type: 'approval',
    target: 'L:late_fee:2026-03-01',
    decision: 'approve',
    actor: { id: 'm', role: 'manager' },
  });
  expect(engine.effects.get('L:late_fee:2026-03-01')?.status).toBe('scheduled');
});

test('a policy can turn the Reg F guards on for first-party collection', () => {
  const effect = {
    key: 'L:request:C',
    type: 'email',
    status: 'scheduled',
    step_id: null,
    anchor_due_on: '2026-03-01',
    request_id: 'C',
    drafted_by: 'agent',
    due_at: zonedInstant('2026-03-12', '21:30', FIXTURE_TZ).toISOString(),
    payload: {},
  };
  const facts = leaseFacts('2026-03-12', { open_charges: [rent('2026-03-01')] });
  const late = zonedInstant('2026-03-12', '21:30', FIXTURE_TZ);
  expect(dispatchDecision(policy, effect, facts, late, contactGuard)).toEqual({ status: 'sent' });
  const strict = PolicyDocument.parse({ ...policy, reg_f_for_all: true });
  expect(dispatchDecision(strict, effect, facts, late, contactGuard)).toMatchObject({
    status: 'blocked',
    reason: 'quiet_hours',
    rule: { id: 'US/reg-f-quiet-hours@2021-11-30' },
  });
  // A first-party call at that hour keeps the product's phone hours either way.
  expect(dispatchDecision(policy, { ...effect, type: 'call' }, facts, late, contactGuard)).toMatchObject({
    status: 'blocked',
    reason: 'quiet_hours',
    rule: { id: 'ARREARS/phone-contact-hours@2020-01-01' },
  });
});

test('a notice whose template states a shorter period than the law is never served', () => {
  const facts = leaseFacts('2026-07-22', { open_charges: [rent('2026-07-01')] });
  const texas = { ...facts, property: { ...facts.property, jurisdiction: 'US-TX' } };
  expect(planNotice('notice_to_vacate', texas, '2026-07-22', undefined, 2)).toEqual({
    ok: false,
    reason: 'template_period_too_short',
    rule: {
      id: 'US-TX/notice-to-vacate@2026-01-01',
      citation: 'Tex. Prop. Code 24.005 as amended by SB 38 (2025)',
      verified: false,
    },
  });
  expect(planNotice('notice_to_vacate', texas, '2026-07-22', undefined, 5)).toMatchObject({
    ok: true,
    terms: { expires_on: '2026-07-27' },
  });
});
