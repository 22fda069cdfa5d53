import { PolicyDocument } from '@arrears/shared';
import { BUILTIN_POLICIES } from '../policy/builtin.ts';
import type { Actor } from './facts.ts';
import { Ledger, LEASE_ID, RENT_CENTS, runLedger, type LedgerOp, type TimedOp } from './testing/ledger-model.ts';
import { created, lease } from './testing/lease-driver.ts';

const RESIDENTIAL = BUILTIN_POLICIES.get('default-residential')!;
/** Acceptance scenario 6's levels: L1 >= 10, L2 >= 30, L3 >= 45 days, no fees but NSF. */
const SCENARIO_6 = PolicyDocument.parse({
  id: 'cure-race',
  name: 'Scenario 6 levels',
  levels: [
    { id: 'L1', days: { min: 10 }, steps: [{ id: 'l1-email', day: 10, action: 'email' }] },
    { id: 'L2', days: { min: 30 }, steps: [{ id: 'l2-sms', day: 32, at: '10:00', action: 'sms' }] },
    { id: 'L3', days: { min: 45 }, steps: [{ id: 'l3-letter', day: 45, action: 'letter' }] },
  ],
  late_fees: { enabled: false },
  nsf_fee_cents: 2500,
});

const rent = (due: string, posted = due): LedgerOp => ({
  kind: 'charge',
  external_id: `RENT-${due}`,
  charge_type: 'rent',
  amount_cents: RENT_CENTS,
  due_on: due,
  effective_on: posted,
});
const payment = (id: string, on: string, amount = RENT_CENTS): LedgerOp => ({
  kind: 'payment',
  external_id: id,
  amount_cents: amount,
  effective_on: on,
});
const nsf = (id: string, of: string, on: string): LedgerOp => ({
  kind: 'reversal',
  external_id: id,
  reverses: of,
  effective_on: on,
  reason: 'nsf',
});
const at = (day: string, time: string, op: LedgerOp): TimedOp => ({ day, at: time, op });

/** The model must agree with the production ledger where ledger.test.ts pins it down. */
describe('ledger model', () => {
  const oldest = (l: Ledger, day: string) => l.facts(day).open_charges.find((c) => c.due_on < day)?.due_on ?? null;

  test('an NSF reversal re-opens exactly the charges its payment paid, dated on the reversal', () => {
    const l = new Ledger();
    l.post(rent('2026-02-01'));
    l.post(rent('2026-03-01'));
    l.post(payment('PAY', '2026-03-05'));
    expect(oldest(l, '2026-03-05')).toBe('2026-03-01');
    expect(l.post(nsf('NSF-1', 'PAY', '2026-03-09'))).toBe('inserted');
    expect(l.post(nsf('NSF-1', 'PAY', '2026-03-09'))).toBe('duplicate');
    expect(l.post(nsf('NSF-2', 'PAY', '2026-03-09'))).toBe('rejected');
    expect(l.facts('2026-03-09')).toMatchObject({ balance_cents: 400_000, unapplied_credit_cents: 0 });
    expect(oldest(l, '2026-03-09')).toBe('2026-02-01');
    // History is kept: as of Mar 6 the payment still counted.
    expect(l.facts('2026-03-06').balance_cents).toBe(200_000);
    expect(l.facts('2026-03-09').credits.at(-1)).toEqual({
      external_id: 'NSF-1',
      kind: 'reversal',
      amount_cents: RENT_CENTS,
      effective_on: '2026-03-09',
      reverses: 'PAY',
      reason: 'nsf',
    });
  });

  test("a reversal leaves other payments' allocations alone; an overpayment waits for the next charge", () => {
    const l = new Ledger();
    l.post(rent('2026-01-01'));
    l.post(rent('2026-02-01'));
    l.post(payment('P1', '2026-01-03'));
    l.post(payment('P2', '2026-02-03', 250_000));
    l.post(nsf('R-P1', 'P1', '2026-02-10'));
    expect(l.facts('2026-02-10')).toMatchObject({ balance_cents: 150_000, unapplied_credit_cents: 0 });
    // February stays paid by P2; January re-opens, and P2's 50,000 left over pays part of it.
    expect(l.facts('2026-02-10').open_charges).toEqual([
      expect.objectContaining({ due_on: '2026-01-01', open_cents: 150_000 }),
    ]);
    const prepaid = new Ledger();
    prepaid.post(payment('P', '2026-01-05', 50_000));
    expect(prepaid.facts('2026-01-05')).toMatchObject({ balance_cents: -50_000, unapplied_credit_cents: 50_000 });
    prepaid.post(rent('2026-02-01', '2026-01-25'));
    expect(prepaid.facts('2026-01-25')).toMatchObject({ balance_cents: 150_000, unapplied_credit_cents: 0 });
    expect(prepaid.facts('2026-01-25').open_charges).toEqual([
      expect.objectContaining({ due_on: '2026-02-01', open_cents: 150_000 }),
    ]);
  });
});

describe('NSF re-entry', () => {
  test('a returned payment puts the lease back at the level its original age implies, at once', () => {
    const run = runLedger(SCENARIO_6, {
      start: '2026-02-01',
      days: 40,
      ops: [
        at('2026-02-01', '06:00', rent('2026-02-01')),
        at('2026-03-01', '06:00', rent('2026-03-01')),
        // One webhook, delivered three times: one ledger entry.
        at('2026-03-05', '09:59', payment('PAY-1', '2026-03-05')),
        at('2026-03-05', '10:00', payment('PAY-1', '2026-03-05')),
        at('2026-03-05', '10:01', payment('PAY-1', '2026-03-05')),
        at('2026-03-09', '12:00', nsf('NSF-1', 'PAY-1', '2026-03-09')),
      ],
    });
    expect(run.deliveries.map((d) => d.result)).toEqual([
      'inserted',
      'inserted',
      'inserted',
      'duplicate',
      'duplicate',
      'inserted',
    ]);
    const transitions = run.evaluations.flatMap((e) =>
      e.decision.transition ? [[e.today, e.decision.transition]] : [],
    );
    expect(transitions).toEqual([
      ['2026-02-02', expect.objectContaining({ from: 'current', to: 'grace' })],
      ['2026-02-07', expect.objectContaining({ from: 'grace', to: 'past_due' })],
      ['2026-02-11', expect.objectContaining({ from: 'past_due', to: 'L1' })],
      ['2026-03-03', expect.objectContaining({ from: 'L1', to: 'L2' })],
      // February paid: March (4 days) is the oldest unpaid.
      ['2026-03-05', expect.objectContaining({ from: 'L2', to: 'grace', days_past_due: 4 })],
      // February re-opens at its own age: 36 days, L2 again, in the same evaluation as the NSF.
      ['2026-03-07', expect.objectContaining({ from: 'grace', to: 'past_due' })],
      ['2026-03-09', { from: 'past_due', to: 'L2', days_past_due: 36, balance_cents: 400_000 }],
    ]);
    const reentry = run.evaluations.find((e) => e.cause === 'ledger' && e.today === '2026-03-09' && !e.rerun)!;
    expect(reentry.decision.next).toMatchObject({ level: 'L2', anchor_due_on: '2026-02-01' });
    expect(created(reentry.decision).map((e) => e.key)).toEqual([`${LEASE_ID}:nsf_fee:NSF-1`]);
    // L3 follows from the original due date: Feb 1 + 45 days.
    expect(reentry.decision.next_action).toEqual({ type: 'letter', on: '2026-03-18' });
  });
});

describe('holds', () => {
  test('a broken promise resumes the paused steps on the next business day, one day-group at a time', () => {
    const l = lease(RESIDENTIAL);
    l.ledger.post(rent('2026-01-01'));
    l.days('2026-01-02', '2026-01-08');
    // Promise on Jan 9 to pay everything by Fri Jan 16; the L2 steps of Jan 11 and Jan 15 wait.
    l.hold({
      id: 'H1',
      kind: 'promise_to_pay',
      status: 'active',
      starts_on: '2026-01-09',
      ends_on: '2026-01-16',
      terms: { promises: [{ by: '2026-01-16', amount_cents: 207_500 }] },
      created_by: 'agent-1',
    });
    const days = l.days('2026-01-09', '2026-01-22');
    for (const day of ['2026-01-09', '2026-01-11', '2026-01-15', '2026-01-16'])
      expect(created(days.get(day)).filter((e) => e.step_id)).toEqual([]);

    // Sat Jan 17: broken (nothing paid by the 16th); the hold ends on the missed date.
    const broken = days.get('2026-01-17')!;
    expect(broken.commands).toContainEqual({
      op: 'hold',
      id: 'H1',
      status: 'broken',
      ends_on: '2026-01-16',
      reason: 'missed_2026-01-16',
    });
    // Sun 18 and Mon 19 (Martin Luther King Jr. Day) are not business days.
    expect(created(broken).find((e) => e.type === 'hold_broken')?.payload.resumes_on).toBe('2026-01-20');
    for (const day of ['2026-01-17', '2026-01-18', '2026-01-19'])
      expect(created(days.get(day)).filter((e) => e.step_id)).toEqual([]);

    // Tue Jan 20: the day-10 group, the oldest paused; the day-14 letter the day after, in order.
    expect(
      created(days.get('2026-01-20'))
        .filter((e) => e.step_id)
        .map((e) => e.step_id),
    ).toEqual(['crm-flag', 'agent-call', 'agent-task']);
    expect(
      created(days.get('2026-01-21'))
        .filter((e) => e.step_id)
        .map((e) => e.step_id),
    ).toEqual(['demand-letter']);
    // The pay-or-quit of day 21 was never paused: it goes on its own day.
    expect(created(days.get('2026-01-22')).map((e) => e.step_id)).toContain('pay-or-quit');
  });
});

describe('maker-checker', () => {
  const MANAGER: Actor = { id: 'manager-1', role: 'manager' };
  const OTHER_MANAGER: Actor = { id: 'manager-2', role: 'manager' };
  const AGENT: Actor = { id: 'agent-1', role: 'agent' };

  function drafted() {
    const l = lease(RESIDENTIAL);
    l.ledger.post(rent('2026-01-01'));
    l.days('2026-01-02', '2026-01-25');
    const request = l.call('2026-01-25', '10:00', {
      type: 'request',
      request: { id: 'R1', action: 'escalate' },
      actor: MANAGER,
    });
    expect(created(request)).toEqual([
      expect.objectContaining({
        key: `${LEASE_ID}:request:R1`,
        type: 'approval_request',
        status: 'awaiting_approval',
        drafted_by: MANAGER.id,
      }),
    ]);
    return l;
  }
  const approve = (actor: Actor) =>
    ({ type: 'approval', target: `${LEASE_ID}:request:R1`, decision: 'approve', actor }) as const;

  test('the drafter cannot approve their own request, even as a manager', () => {
    const l = drafted();
    const own = l.call('2026-01-25', '11:00', approve(MANAGER));
    expect(own.commands).toEqual([
      {
        op: 'create',
        effect: expect.objectContaining({
          type: 'approval',
          status: 'blocked',
          reason: 'drafter_cannot_approve',
          drafted_by: MANAGER.id,
        }),
      },
    ]);
    expect(l.known.get(`${LEASE_ID}:request:R1`)?.status).toBe('awaiting_approval');

    const other = l.call('2026-01-25', '12:00', approve(OTHER_MANAGER));
    expect(other.commands).toContainEqual(
      expect.objectContaining({ op: 'update', key: `${LEASE_ID}:request:R1`, status: 'approved' }),
    );
    expect(created(other)).toEqual([
      expect.objectContaining({
        key: `${LEASE_ID}:request:R1:referral`,
        type: 'referral',
        status: 'scheduled',
        drafted_by: MANAGER.id,
      }),
    ]);
  });

  test('an agent cannot approve', () => {
    const l = drafted();
    const decision = l.call('2026-01-25', '11:00', approve(AGENT));
    expect(decision.commands).toEqual([
      {
        op: 'create',
        effect: expect.objectContaining({ type: 'approval', status: 'blocked', reason: 'role_not_permitted' }),
      },
    ]);
    expect(l.known.get(`${LEASE_ID}:request:R1`)?.status).toBe('awaiting_approval');
  });
});

/**
 * Engine gaps the property tests and a reading of the engine found, now fixed: each is the
 * behaviour the README promises.
 */
describe('gaps found by the property tests', () => {
  test('a second cure on the same day is recorded too (same anchor: the cure key collides)', () => {
    const run = runLedger(RESIDENTIAL, {
      start: '2026-01-01',
      days: 2,
      ops: [
        at('2026-01-01', '06:00', rent('2026-01-01')),
        at('2026-01-02', '09:00', payment('PAY-1', '2026-01-02')),
        at('2026-01-02', '09:01', nsf('NSF-1', 'PAY-1', '2026-01-02')),
        at('2026-01-02', '09:02', payment('PAY-2', '2026-01-02')),
      ],
    });
    const cures = run.evaluations.filter((e) => !e.rerun && e.decision.transition?.to === 'current');
    expect(cures.map((e) => e.decision.transition?.from)).toEqual(['L1', 'L1']);
    // Both are `L:cure:2026-01-01:2026-01-02`: the second is dropped as already known.
    for (const cure of cures) expect(created(cure.decision).map((e) => e.type)).toContain('cure');
  });

  test('curing an old delinquency does not cancel the reminder for the next due date', () => {
    const run = runLedger(RESIDENTIAL, {
      start: '2026-01-01',
      days: 30,
      ops: [
        at('2026-01-01', '06:00', rent('2026-01-01')),
        at('2026-01-25', '06:00', rent('2026-02-01', '2026-01-25')),
        // Jan 29 00:00 plans the Feb 1 reminder for 09:00; January (rent and fee) is paid at 07:00.
        at('2026-01-29', '07:00', payment('PAY-1', '2026-01-29', RENT_CENTS + 7_500)),
      ],
    });
    // Dispatch exempts reminders from the "paid" check; the cure should leave them alone too.
    expect(run.effects.get(`${LEASE_ID}:pre-due-email:2026-02-01`)).toMatchObject({ status: 'sent' });
  });

  test('no "rent due" reminder for rent already paid', () => {
    const run = runLedger(RESIDENTIAL, {
      start: '2026-01-01',
      days: 30,
      ops: [
        at('2026-01-01', '06:00', rent('2026-01-01')),
        at('2026-01-01', '07:00', payment('PAY-1', '2026-01-01')),
        // February's charge posts early and is paid in full the next day.
        at('2026-01-25', '06:00', rent('2026-02-01', '2026-01-25')),
        at('2026-01-26', '07:00', payment('PAY-2', '2026-01-26')),
      ],
    });
    expect(run.ledger.facts('2026-01-29').balance_cents).toBe(0);
    // The reminder is skipped when unapplied credit covers the rent, but not when the same money
    // was already allocated to the posted charge.
    expect(run.effects.has(`${LEASE_ID}:pre-due-email:2026-02-01`)).toBe(false);
  });

  test('a charge delivered before its effective day still wakes the lease when it takes effect', () => {
    const run = runLedger(SCENARIO_6, {
      start: '2025-12-30',
      days: 20,
      // January's rent arrives on Dec 31 as a scheduled charge, effective on its due date.
      ops: [at('2025-12-31', '06:00', rent('2026-01-01', '2026-01-01'))],
    });
    const delivery = run.evaluations.find((e) => e.cause === 'ledger' && !e.rerun)!;
    // Nothing is open as of Dec 31 and the policy has no reminders: the scan would never wake
    // the lease again, though the rent goes unpaid and the runner sees L1 on Jan 11.
    expect(run.evaluations.at(-1)!.decision.next.level).toBe('L1');
    expect(delivery.decision.wake_on).toBe('2026-01-01');
  });

  test('a lease cured and then re-entering by an NSF return gets its legal step drafted again, once', () => {
    const run = runLedger(RESIDENTIAL, {
      start: '2026-01-01',
      days: 40,
      ops: [
        at('2026-01-01', '06:00', rent('2026-01-01')),
        // Paid in full (rent and fee) on Jan 25: cured, the pending pay-or-quit is cancelled.
        at('2026-01-25', '09:00', payment('PAY-1', '2026-01-25', RENT_CENTS + 7_500)),
        at('2026-02-01', '06:00', rent('2026-02-01')),
        at('2026-02-03', '09:00', nsf('NSF-1', 'PAY-1', '2026-02-03')),
      ],
    });
    const drafts = [...run.effects.values()].filter((e) => e.step_id === 'pay-or-quit');
    expect(drafts.map((e) => [e.key, e.status])).toEqual([
      [`${LEASE_ID}:pay-or-quit:2026-01-01`, 'cancelled'],
      [`${LEASE_ID}:pay-or-quit:2026-01-01#2`, 'awaiting_approval'],
    ]);
    // Released on the day of re-entry, not skipped as a missed step.
    expect(drafts[1]!.due_at.slice(0, 10)).toBe('2026-02-03');
  });
});
