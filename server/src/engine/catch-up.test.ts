import { PolicyDocument } from '@arrears/shared';
import { zonedInstant } from '../time/zoned.ts';
import { decide, INITIAL_STATE, type CaseState } from './decide.ts';
import type { EffectCommand, NewEffect } from './effects.ts';
import type { KnownEffect, LeaseFacts } from './facts.ts';

// A step missed while the service was down is sent on recovery exactly once, or skipped with a
// recorded reason when it is too late to be useful — never silently lost, never doubled
// (user-needs.md §3.1; Invoice Ninja #637, FOSSBilling #4024).

const TZ = 'America/Los_Angeles';
const policy = PolicyDocument.parse({
  id: 'catch-up',
  name: 'catch-up',
  levels: [
    {
      id: 'L1',
      days: { min: 1 },
      steps: [
        { id: 'email-day-2', day: 2, action: 'email' },
        { id: 'sms-day-4', day: 4, action: 'sms', catch_up_days: 1 },
        { id: 'letter-day-9', day: 9, action: 'letter' },
      ],
    },
  ],
  late_fees: { enabled: false },
});

function facts(today: string): LeaseFacts {
  return {
    org: { reg_f_for_all: false, fee_review: false, partial_payment_after_notice: 'accept_with_receipt' },
    property: { id: 'P', jurisdiction: 'US-CA', timezone: TZ, units: 10, cares_covered: false, late_fee: null },
    lease: {
      id: 'L',
      kind: 'residential',
      rent_cents: 100_000,
      due_day: 1,
      grace_days: 0,
      late_fee: null,
      collector: 'first_party',
      segment: null,
      cure_days: null,
      autopay: true,
      status: 'current',
      moved_out_on: null,
    },
    tenants: [{ id: 'T', type: 'individual', role: 'primary' }],
    today,
    open_charges: [
      { external_id: 'R', charge_type: 'rent', due_on: '2026-03-01', amount_cents: 100_000, open_cents: 100_000 },
    ],
    credits: [],
    balance_cents: 100_000,
    unapplied_credit_cents: 0,
    holds: [],
    contact: {
      phone_timezone: null,
      consents: { email: true, sms: true, voice: true },
      revoked: [],
      call_attempts: [],
      conversations: [],
      opt_out_confirmations: 0,
    },
  };
}

/** Runs the engine at local midnight of each given day, applying its commands like evaluateLease does. */
function run(days: string[]) {
  const effects = new Map<string, KnownEffect>();
  const created: { day: string; effect: NewEffect }[] = [];
  let state: CaseState = INITIAL_STATE;
  for (const day of days) {
    for (let rerun = 0; rerun < 2; rerun++) {
      const decision = decide(
        policy,
        state,
        { type: 'evaluate', cause: 'schedule', facts: facts(day), known: [...effects.values()] },
        zonedInstant(day, '00:00', TZ),
      );
      for (const command of decision.commands) apply(command, effects, created, day);
      state = decision.next;
    }
  }
  return created;
}

function apply(
  command: EffectCommand,
  effects: Map<string, KnownEffect>,
  created: { day: string; effect: NewEffect }[],
  day: string,
) {
  if (command.op !== 'create') return;
  const e = command.effect;
  if (effects.has(e.key)) throw new Error(`second effect for ${e.key}`);
  created.push({ day, effect: e });
  effects.set(e.key, {
    key: e.key,
    type: e.type,
    status: e.status,
    step_id: e.step_id ?? null,
    anchor_due_on: e.anchor_due_on ?? null,
    request_id: null,
    drafted_by: null,
    due_at: e.due_at.toISOString(),
    payload: e.payload,
  });
}

const summary = (created: { day: string; effect: NewEffect }[]) =>
  created.map(({ day, effect }) => [day, effect.step_id, effect.status, effect.reason ?? null]);

test('every day evaluated: each step once, on its day', () => {
  const days = Array.from({ length: 12 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);
  expect(summary(run(days))).toEqual([
    ['2026-03-03', 'email-day-2', 'scheduled', null],
    ['2026-03-05', 'sms-day-4', 'scheduled', null],
    ['2026-03-10', 'letter-day-9', 'scheduled', null],
  ]);
});

test('down Mar 2-5: the missed email goes out on recovery; the SMS, queued behind it and past its 1-day window by then, is recorded as skipped', () => {
  expect(summary(run(['2026-03-01', '2026-03-06', '2026-03-07']))).toEqual([
    ['2026-03-06', 'email-day-2', 'scheduled', null],
    ['2026-03-07', 'sms-day-4', 'suppressed', 'missed_catch_up_window'],
  ]);
});

test('down for a week: steps too late to help are recorded as skipped, the next one still goes out', () => {
  expect(summary(run(['2026-03-01', '2026-03-10']))).toEqual([
    ['2026-03-10', 'email-day-2', 'suppressed', 'missed_catch_up_window'],
    ['2026-03-10', 'sms-day-4', 'suppressed', 'missed_catch_up_window'],
    ['2026-03-10', 'letter-day-9', 'scheduled', null],
  ]);
});
