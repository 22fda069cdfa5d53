import { PolicyDocument } from '@arrears/shared';
import { zonedInstant } from '../time/zoned.ts';
import { decide, INITIAL_STATE } from './decide.ts';
import { dispatchDecision } from './dispatch.ts';
import type { NewEffect } from './effects.ts';
import type { Hold, KnownEffect } from './facts.ts';
import {
  LATE_FEE_CENTS,
  LEASE_ID,
  RENT_CENTS,
  runLedger,
  TZ,
  type DriverRun,
  type TimedOp,
} from './testing/ledger-model.ts';

// Holds are dated and backdatable, and a backdated hold recomputes at once: a late fee Arrears
// already posted for a day the hold now covers is credited back, exactly once.

const policy = PolicyDocument.parse({
  id: 'fee-reversal',
  name: 'fee reversal',
  levels: [{ id: 'L1', days: { min: 10 }, steps: [{ id: 'l1-email', day: 10, action: 'email' }] }],
});

const MARCH_RENT: TimedOp = {
  day: '2026-03-01',
  at: '06:00',
  op: {
    kind: 'charge',
    external_id: 'RENT-2026-03',
    charge_type: 'rent',
    amount_cents: RENT_CENTS,
    due_on: '2026-03-01',
    effective_on: '2026-03-01',
  },
};
const FEE = `${LEASE_ID}:late_fee:2026-03-01`;

const hold = (fields: Partial<Hold> & Pick<Hold, 'id' | 'kind' | 'starts_on'>): Hold => ({
  status: 'active',
  ends_on: null,
  terms: {},
  created_by: 'agent-1',
  ...fields,
});

const creates = (run: DriverRun): NewEffect[] =>
  run.evaluations.flatMap((e) => e.decision.commands.flatMap((c) => (c.op === 'create' ? [c.effect] : [])));
const reversals = (run: DriverRun) => creates(run).filter((e) => e.type === 'fee_reversal');
const feeCredits = (run: DriverRun) =>
  run.ledger.list().filter(({ op }) => op.kind === 'credit' && op.external_id.endsWith(':reversed'));

test('a bankruptcy recorded Mar 12 for a petition filed Mar 4 reverses the Mar 7 fee at once, once', () => {
  const run = runLedger(policy, {
    start: '2026-03-01',
    days: 30,
    ops: [MARCH_RENT],
    holds: [
      { day: '2026-03-12', at: '10:00', hold: hold({ id: 'BK-1', kind: 'bankruptcy', starts_on: '2026-03-04' }) },
    ],
  });
  expect(run.effects.get(FEE)).toMatchObject({ status: 'posted', payload: { on: '2026-03-07', amount_cents: 7500 } });
  const [reversal, ...more] = reversals(run);
  expect(more).toEqual([]);
  expect(reversal).toMatchObject({
    key: `${FEE}:reversed`,
    type: 'fee_reversal',
    due_at: zonedInstant('2026-03-12', '10:00', TZ),
    payload: { amount_cents: LATE_FEE_CENTS, reverses: FEE, on: '2026-03-07', hold: 'BK-1', kind: 'bankruptcy' },
  });
  // Created by the evaluation the hold triggered, posted by dispatch as a credit of the fee's amount.
  const by = run.evaluations.find((e) => e.decision.commands.some((c) => c.op === 'create' && c.effect === reversal))!;
  expect([by.cause, by.today]).toEqual(['hold', '2026-03-12']);
  expect(run.effects.get(`${FEE}:reversed`)?.status).toBe('posted');
  expect(feeCredits(run)).toEqual([
    expect.objectContaining({
      op: {
        kind: 'credit',
        external_id: `${FEE}:reversed`,
        amount_cents: LATE_FEE_CENTS,
        effective_on: '2026-03-12',
        source: 'arrears',
      },
      amount_cents: LATE_FEE_CENTS,
    }),
  ]);
  expect(run.ledger.facts('2026-03-12').balance_cents).toBe(RENT_CENTS);
  // Every re-run and later day (the stay still on) changes nothing about it.
  expect(run.evaluations.filter((e) => e.rerun && e.decision.commands.length > 0)).toEqual([]);
});

test('released later, the hold does not re-post the reversed fee, and the fee stays reversed', () => {
  const run = runLedger(policy, {
    start: '2026-03-01',
    days: 40,
    ops: [MARCH_RENT],
    holds: [
      {
        day: '2026-03-12',
        at: '10:00',
        // A manual hold from Mar 4 through Mar 15, entered on the 12th.
        hold: hold({ id: 'H-1', kind: 'manual', starts_on: '2026-03-04', ends_on: '2026-03-15' }),
      },
    ],
  });
  expect(run.holds).toEqual([expect.objectContaining({ id: 'H-1', status: 'expired', ends_on: '2026-03-15' })]);
  expect(creates(run).filter((e) => e.type === 'late_fee')).toHaveLength(1);
  expect(reversals(run)).toHaveLength(1);
  expect(feeCredits(run)).toHaveLength(1);
  expect(run.ledger.facts('2026-04-09').balance_cents).toBe(RENT_CENTS);
});

test('a fee posted before the hold starts stays; so does one posted the day a hold starts, before it was entered', () => {
  const later = runLedger(policy, {
    start: '2026-03-01',
    days: 20,
    ops: [MARCH_RENT],
    holds: [
      { day: '2026-03-12', at: '10:00', hold: hold({ id: 'BK-1', kind: 'bankruptcy', starts_on: '2026-03-08' }) },
    ],
  });
  expect(later.effects.get(FEE)?.status).toBe('posted');
  expect(reversals(later)).toEqual([]);
  expect(later.ledger.facts('2026-03-20').balance_cents).toBe(RENT_CENTS + LATE_FEE_CENTS);

  // Recorded Mar 7 at 14:05, from that day (not backdated): the 08:00 fee was posted before it.
  const sameDay = runLedger(policy, {
    start: '2026-03-01',
    days: 20,
    ops: [MARCH_RENT],
    holds: [
      { day: '2026-03-07', at: '14:05', hold: hold({ id: 'BK-1', kind: 'bankruptcy', starts_on: '2026-03-07' }) },
    ],
  });
  expect(sameDay.effects.get(FEE)?.status).toBe('posted');
  expect(reversals(sameDay)).toEqual([]);
});

test('holds that do not stop fees reverse nothing: dispute, scra, and a plan still waiting for approval', () => {
  for (const h of [
    hold({ id: 'D-1', kind: 'dispute', starts_on: '2026-03-02', terms: { amount_cents: 10_000 } }),
    hold({ id: 'S-1', kind: 'scra', starts_on: '2026-03-02' }),
    hold({
      id: 'P-1',
      kind: 'payment_plan',
      status: 'awaiting_approval',
      starts_on: '2026-03-02',
      ends_on: '2026-06-30',
      terms: { installments: [{ by: '2026-06-30', amount_cents: RENT_CENTS }] },
    }),
  ]) {
    const run = runLedger(policy, {
      start: '2026-03-01',
      days: 20,
      ops: [MARCH_RENT],
      holds: [{ day: '2026-03-12', at: '10:00', hold: h }],
    });
    expect({ [h.kind]: reversals(run) }).toEqual({ [h.kind]: [] });
  }
});

test('daily accrual: each day the hold covers is reversed, the days around it stay, accrual resumes after', () => {
  const run = runLedger(policy, {
    start: '2026-03-01',
    days: 21,
    ops: [MARCH_RENT],
    lateFee: { kind: 'daily', initial_cents: 5000, daily_cents: 1000, cap_cents: 15_000 },
    holds: [
      {
        day: '2026-03-12',
        at: '10:30',
        hold: hold({ id: 'H-1', kind: 'manual', starts_on: '2026-03-08', ends_on: '2026-03-10' }),
      },
    ],
  });
  expect(reversals(run).map((e) => [e.payload.reverses, e.payload.amount_cents])).toEqual([
    [`${FEE}:2026-03-08`, 1000],
    [`${FEE}:2026-03-09`, 1000],
    [`${FEE}:2026-03-10`, 1000],
  ]);
  const fees = creates(run).filter((e) => e.type === 'late_fee');
  // Mar 7 initial, Mar 8-12 before the hold was entered, then Mar 13 on up to the cap, which
  // counts what is still charged: reversed days do not use it up.
  expect(fees.map((e) => e.payload.on)).toEqual([
    '2026-03-07',
    '2026-03-08',
    '2026-03-09',
    '2026-03-10',
    '2026-03-11',
    '2026-03-12',
    '2026-03-13',
    '2026-03-14',
    '2026-03-15',
    '2026-03-16',
    '2026-03-17',
    '2026-03-18',
    '2026-03-19',
    '2026-03-20',
  ]);
  const charged = fees.reduce((sum, e) => sum + Number(e.payload.amount_cents), 0) - 3 * 1000;
  expect(charged).toBe(15_000);
  expect(run.ledger.facts('2026-03-21').balance_cents).toBe(RENT_CENTS + 15_000);
});

test('a backdated promise: the reversal credit is not a payment toward the promise', () => {
  const run = runLedger(policy, {
    start: '2026-03-01',
    days: 20,
    ops: [MARCH_RENT],
    holds: [
      {
        day: '2026-03-12',
        at: '10:00',
        hold: hold({
          id: 'PTP-1',
          kind: 'promise_to_pay',
          starts_on: '2026-03-05',
          ends_on: '2026-03-14',
          terms: { promises: [{ by: '2026-03-14', amount_cents: LATE_FEE_CENTS }] },
        }),
      },
    ],
  });
  expect(reversals(run)).toEqual([expect.objectContaining({ payload: expect.objectContaining({ hold: 'PTP-1' }) })]);
  // The promised $75 was never paid: broken the day after its date, not kept by the credit.
  expect(run.holds).toEqual([expect.objectContaining({ id: 'PTP-1', status: 'broken' })]);
});

test('decide only emits the command: dispatch posts it whatever the stay, and a cure never cancels it', () => {
  const now = zonedInstant('2026-03-12', '10:00', TZ);
  const fee: KnownEffect = {
    key: FEE,
    type: 'late_fee',
    status: 'posted',
    step_id: null,
    anchor_due_on: null,
    request_id: null,
    drafted_by: null,
    due_at: zonedInstant('2026-03-07', '08:00', TZ).toISOString(),
    payload: { amount_cents: LATE_FEE_CENTS, on: '2026-03-07', period_due_on: '2026-03-01' },
  };
  const stay = hold({ id: 'BK-1', kind: 'bankruptcy', starts_on: '2026-03-04', recorded_on: '2026-03-12' });
  const run = runLedger(policy, { start: '2026-03-12', days: 1, ops: [] });
  const facts = { ...run.ledger.facts('2026-03-12'), holds: [stay] };
  const decision = decide(policy, INITIAL_STATE, { type: 'evaluate', cause: 'hold', facts, known: [fee] }, now);
  expect(decision.commands).toEqual([
    {
      op: 'create',
      effect: expect.objectContaining({ key: `${FEE}:reversed`, type: 'fee_reversal', status: 'scheduled' }),
    },
  ]);
  const reversal = decision.commands[0]!.op === 'create' ? decision.commands[0]!.effect : undefined;
  const known: KnownEffect = {
    ...fee,
    key: reversal!.key,
    type: 'fee_reversal',
    status: 'scheduled',
    payload: reversal!.payload,
  };
  expect(dispatchDecision(policy, known, facts, now, () => ({ ok: false, reason: 'never' }))).toEqual({
    status: 'posted',
  });
  // A lease cured before the reversal was dispatched (paid in full): the reversal still goes.
  const cured = decide(
    policy,
    { ...INITIAL_STATE, level: 'L1', case_id: '1', cases_opened: 1, anchor_due_on: '2026-03-01' },
    { type: 'evaluate', cause: 'ledger', facts, known: [fee, known] },
    now,
  );
  expect(cured.next.level).toBe('current');
  expect(cured.commands.filter((c) => c.op === 'update')).toEqual([]);
});
