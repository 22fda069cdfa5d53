import type { ChargeType, LateFeeTerms, PolicyDocument } from '@arrears/shared';
import { dateOf, monthOf } from '../../server/src/demo/history.ts';
import type { CaseState } from '../../server/src/engine/decide.ts';
import type { Hold, KnownEffect, LeaseFacts } from '../../server/src/engine/facts.ts';
import { LEGAL_NOTICES, planNotice } from '../../server/src/engine/notices.ts';
import { CURRENT, GRACE, severity } from '../../server/src/engine/severity.ts';
import { reachedSteps } from '../../server/src/engine/steps.ts';
import { BUILTIN_POLICIES } from '../../server/src/policy/builtin.ts';
import { addCalendarDays, zonedInstant } from '../../server/src/time/zoned.ts';
import { pad, rng } from './data.ts';

export type Mix = 'current' | 'grace' | 'delinquent';

/** One decide() input: a lease as the daily scan sees it at its local midnight. */
export interface DecideCase {
  mix: Mix;
  policy: PolicyDocument;
  state: CaseState;
  facts: LeaseFacts;
  known: KnownEffect[];
  now: Date;
}

/** State, zone and share (%) of the generated leases. */
const MARKETS = [
  ['US-CA', 'America/Los_Angeles', 25],
  ['US-NY', 'America/New_York', 20],
  ['US-TX', 'America/Chicago', 20],
  ['US-FL', 'America/New_York', 15],
  ['US-IL', 'America/Chicago', 8],
  ['US-WA', 'America/Los_Angeles', 6],
  ['US-AZ', 'America/Phoenix', 6],
] as const;
const GATED = ['referral', 'placement', 'write_off', 'credit_report'];
const MAX_KNOWN = 30;
type More = [step?: string | null, anchor?: string | null, payload?: Record<string, unknown>];
const HOLD = { status: 'active', ends_on: null, created_by: 'agent-1' } as const;
const NONE = { request_id: null, drafted_by: null, reason: null };

function entry(key: string, type: string, status: string, at: Date, ...[step, anchor, payload]: More): KnownEffect {
  const due_at = at.toISOString();
  return {
    ...NONE,
    key,
    type,
    status,
    step_id: step ?? null,
    anchor_due_on: anchor ?? null,
    due_at,
    payload: payload ?? {},
  };
}
const byDue = <T extends { due_on: string }>(a: T, b: T) => (a.due_on < b.due_on ? -1 : a.due_on > b.due_on ? 1 : 0);

/**
 * Lease `i` of the mix, seeded (the same inputs every run): ~60% current, 15% in grace and 25%
 * delinquent 5–120 days with 1–4 open rent charges, late fees, returned payments and a few holds;
 * its action ledger (reminders, steps, notices, fees of earlier days) and yesterday's case state.
 */
export function decideCase(i: number): DecideCase {
  const r = rng(0xdec1de ^ Math.imul(i + 1, 0x9e3779b1));
  const int = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  const chance = (p: number) => r() < p;
  let roll = int(1, 100);
  const [jurisdiction, timezone] = MARKETS.find((m) => (roll -= m[2]) <= 0) ?? MARKETS[0];
  const commercial = chance(0.12);
  const policy = BUILTIN_POLICIES.get(commercial ? 'default-commercial' : 'default-residential')!;
  const id = `E${pad(i + 1, 6)}`;
  const dueDay = chance(0.85) ? 1 : chance(0.5) ? 5 : 15;
  const grace = chance(0.6) ? 5 : 3;
  const rent = int(90, 350) * 1_000;
  const u = r();
  const mix: Mix = u < 0.6 ? 'current' : u < 0.75 ? 'grace' : 'delinquent';
  const dueOf = (month: number) => dateOf(month, dueDay);
  // The oldest unpaid due date plus its age (delinquent: 5–120 days, younger ones more common).
  const age = mix === 'delinquent' ? 5 + Math.floor(115 * r() ** 1.6) : mix === 'grace' ? int(1, grace) : 0;
  const anchorMonth = monthOf('2026-01-01') + int(0, 4);
  const today =
    mix === 'current' ? addCalendarDays('2026-01-05', int(0, 150)) : addCalendarDays(dueOf(anchorMonth), age);
  let last = monthOf(today);
  if (dueOf(last) > today) last -= 1;
  const first = mix === 'current' ? last + 1 : anchorMonth;
  const fees: LateFeeTerms[] = [
    { kind: 'daily', initial_cents: 5_000, daily_cents: 1_000, cap_cents: 10_000 },
    { kind: 'flat', amount_cents: int(5, 10) * 1_000 },
    { kind: 'percent', bps: 500 },
  ];
  const terms = jurisdiction === 'US-TX' && chance(0.5) ? fees[0]! : chance(0.9) ? fees[chance(0.65) ? 1 : 2]! : null;
  const fee = terms?.kind === 'flat' ? terms.amount_cents : terms?.kind === 'daily' ? terms.initial_cents : rent / 20;

  const open: LeaseFacts['open_charges'] = [];
  const charge = (key: string, charge_type: ChargeType, due_on: string, amount_cents: number, paid = 0) =>
    open.push({ external_id: `${id}-${key}`, charge_type, due_on, amount_cents, open_cents: amount_cents - paid });
  for (let m = first; m <= last && m < first + 4; m++) {
    charge(`RENT-${dueOf(m)}`, 'rent', dueOf(m), rent, m === first && chance(0.35) ? int(1, 8) * 10_000 : 0);
    const feeDay = addCalendarDays(dueOf(m), grace + 1);
    if (terms && feeDay <= today && chance(0.6)) charge(`LATE-${dueOf(m)}`, 'late_fee', feeDay, fee);
  }
  const nextDue = dueOf(last + 1);
  if (chance(0.3)) charge(`RENT-${nextDue}`, 'rent', nextDue, rent);
  const credits: LeaseFacts['credits'] = [];
  const credit = (key: string, kind: LeaseFacts['credits'][number]['kind'], on: string, cents: number) =>
    credits.push({ external_id: `${id}-${key}`, kind, amount_cents: cents, effective_on: on });
  for (let m = first - int(3, 6); m < first; m++)
    credit(`PAY-${dueOf(m)}`, 'payment', addCalendarDays(dueOf(m), int(0, grace)), rent);
  if (chance(0.08)) credit('CREDIT', 'credit', dueOf(first - 1), 5_000);
  const returned = mix !== 'current' && chance(0.2) ? addCalendarDays(today, -int(1, Math.min(age, 25))) : null;
  if (returned) {
    credit('PAY-NSF', 'payment', addCalendarDays(returned, -4), rent);
    credit('NSF', 'reversal', returned, rent);
    Object.assign(credits.at(-1)!, { reverses: `${id}-PAY-NSF`, reason: 'nsf' });
    if (chance(0.5)) charge('NSFFEE', 'nsf_fee', returned, 2_500);
  }
  open.sort(byDue);
  const unapplied = mix === 'current' && chance(0.1) ? int(1, 60) * 1_000 : 0;

  const holds: Hold[] = [];
  const hold = (kind: Hold['kind'], days: number, terms: Hold['terms']) =>
    holds.push({ ...HOLD, id: `${id}-H1`, kind, starts_on: addCalendarDays(today, -days), terms });
  const promise = (by: number) => ({ promises: [{ by: addCalendarDays(today, by), amount_cents: rent }] });
  const h = mix === 'delinquent' ? r() : 1;
  if (h < 0.06) hold('promise_to_pay', int(1, 4), promise(int(0, 10)));
  // A promise whose last date passed unpaid: decide() breaks it today.
  else if (h < 0.08) hold('promise_to_pay', 8, promise(-int(1, 3)));
  else if (h < 0.12) hold('dispute', int(1, 20), { amount_cents: int(2, 40) * 1_000, reason: 'repairs' });

  const facts: LeaseFacts = {
    org: { reg_f_for_all: false, fee_review: chance(0.1), partial_payment_after_notice: 'accept_with_receipt' },
    property: {
      id: `P-${jurisdiction}`,
      jurisdiction,
      timezone,
      units: int(8, 300),
      cares_covered: chance(0.1),
      late_fee: null,
    },
    lease: {
      id,
      kind: commercial ? 'commercial' : 'residential',
      rent_cents: rent,
      due_day: dueDay,
      grace_days: grace,
      late_fee: terms,
      collector: 'first_party',
      segment: commercial ? 'retail' : 'multifamily',
      cure_days: commercial ? 10 : null,
      autopay: chance(0.15),
      status: 'current',
      moved_out_on: null,
    },
    tenants: [{ id: `${id}-T1`, type: commercial ? 'business' : 'individual', role: 'primary' }],
    today,
    open_charges: open,
    credits,
    balance_cents: open.reduce((sum, c) => sum + c.open_cents, 0) - unapplied,
    unapplied_credit_cents: unapplied,
    holds,
    next_entry_on: open.some((c) => c.due_on === nextDue) ? null : nextDue,
    posted_rent_due: open.filter((c) => c.charge_type === 'rent' && c.due_on >= today).map((c) => c.due_on),
    contact: {
      phone_timezone: chance(0.08) ? 'America/Denver' : null,
      consents: { email: chance(0.9), sms: chance(0.75), voice: chance(0.8) },
      ...{ revoked: [], call_attempts: [], conversations: [], opt_out_confirmations: 0 },
    },
  };

  // The action ledger so far: what earlier days planned and dispatch performed since.
  const history: KnownEffect[] = [];
  const recent: KnownEffect[] = [];
  const effect = (key: string, type: string, status: string, day: string, at: string, ...more: More) =>
    entry(key, type, status, zonedInstant(day, at, timezone), ...more);
  for (let m = last - int(0, 12); m <= last + 1; m++)
    for (const { id: step, days_before_due: before, channel, at, template } of policy.reminders) {
      const day = addCalendarDays(dueOf(m), -before);
      const payload = { template: template ?? step, reminder: true, due_on: dueOf(m) };
      if (day < today)
        history.push(effect(`${id}:${step}:${dueOf(m)}`, channel, 'sent', day, at, step, dueOf(m), payload));
    }
  if (chance(0.25)) {
    const old = dueOf(first - int(3, 8)); // an earlier delinquency, cured
    for (const step of ['late-email', 'late-sms'])
      history.push(effect(`${id}:${step}:${old}`, step.slice(5), 'sent', addCalendarDays(old, 2), '10:00', step, old));
    history.push(effect(`${id}:cure:${old}`, 'cure', 'cured', addCalendarDays(old, 9), '00:00'));
  }
  const posted = (key: string, type: string, on: string, cents: number, period?: string) =>
    recent.push(
      effect(key, type, 'posted', on, '08:00', null, null, { amount_cents: cents, on, period_due_on: period }),
    );
  for (const c of open.filter((c) => c.charge_type === 'rent')) {
    const feeDay = addCalendarDays(c.due_on, grace + 1);
    if (!terms || feeDay >= today) continue;
    posted(`${id}:late_fee:${c.due_on}`, 'late_fee', feeDay, fee, c.due_on);
    // Daily accrual up to the cap, as the engine posts it day by day for a period it charged.
    const daily = terms.kind === 'daily';
    for (let d = 1, total = fee; daily && total < terms.cap_cents!; d++, total += 1_000) {
      const day = addCalendarDays(feeDay, d);
      if (day < today) posted(`${id}:late_fee:${c.due_on}:${day}`, 'late_fee', day, 1_000, c.due_on);
    }
  }
  if (returned && chance(0.75)) posted(`${id}:nsf_fee:${id}-NSF`, 'nsf_fee', returned, policy.nsf_fee_cents);
  const sev = severity(policy, facts);
  const anchor = sev.anchor_due_on;
  for (const planned of anchor ? reachedSteps(policy, facts, sev.level, anchor) : []) {
    if (planned.day >= today || holds.some((h) => h.kind !== 'dispute' && h.starts_on <= planned.day)) continue;
    const { step, key } = planned;
    const base = { level: planned.level, template: step.template ?? step.id };
    const add = (key: string, type: string, status: string, more: Record<string, unknown> = {}) =>
      recent.push(effect(key, type, status, planned.day, step.at, step.id, anchor, { ...base, ...more }));
    const approval = (more: Record<string, unknown>, status = 'awaiting_approval') =>
      add(key, 'approval_request', status, { action: step.action, approver: 'manager', ...more });
    if (step.action === 'notice') {
      const plan = planNotice(step.notice!, facts, planned.day, step.channels, step.period_days);
      const legal = LEGAL_NOTICES.includes(step.notice!);
      if (!plan.ok) add(key, 'notice', 'blocked', { notice: step.notice });
      else if (legal) approval({ notice: step.notice }, 'approved');
      if (plan.ok) add(legal ? `${key}:notice` : key, 'notice', 'sent', { ...plan.terms });
    } else if (step.after_notice) {
      const notice = recent.find((e) => e.status === 'sent' && e.payload.notice === step.after_notice);
      if (notice) approval({ after_notice: notice.key, earliest_on: notice.payload.earliest_next_step_on });
    } else if (GATED.includes(step.action)) approval({});
    else add(key, step.action, 'sent');
  }
  // Oldest reminders go first when the list is long: the engine never looks at them again.
  const known = [...history, ...recent].slice(-MAX_KNOWN);

  // The case as yesterday's evaluation left it.
  const before = severity(policy, { ...facts, today: addCalendarDays(today, -1) });
  const delinquent = before.level !== CURRENT && before.level !== GRACE;
  const cases = history.some((e) => e.type === 'cure') ? 1 : 0;
  const state: CaseState = {
    case_id: delinquent ? String(cases + 1) : null,
    cases_opened: cases + (delinquent ? 1 : 0),
    level: before.level,
    days_past_due: before.days_past_due,
    balance_cents: before.balance_cents,
    anchor_due_on: before.anchor_due_on,
    anchor_since: before.anchor_due_on,
    reopened_on: null,
  };
  return { mix, policy, state, facts, known, now: zonedInstant(today, '00:00', timezone) };
}
