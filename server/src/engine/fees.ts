import type { PolicyDocument } from '@arrears/shared';
import { lateFeeLimit, ruleRef, statutoryFeeCap, type RuleRef } from '../compliance/rules/index.ts';
import { addDays, daysBetween, instantMs } from './days.ts';
import type { Hold, KnownEffect, LeaseFacts } from './facts.ts';
import { disputesInForce, holdEffect, undisputedCents } from './holds.ts';
import type { KnownEffects } from './known.ts';
import type { NewEffect } from './effects.ts';

export interface FeeDraft {
  key: string;
  type: 'late_fee' | 'nsf_fee';
  /** The local day the fee belongs to (posting day). */
  on: string;
  amount_cents: number;
  period_due_on?: string;
  rule?: ReturnType<typeof ruleRef>;
}

/**
 * Whether a hold that stops fees was in force when the late fee of `day` posts (`postAt`, local;
 * `at` turns a local day and time into epoch ms): such a fee is never owed, and is not posted
 * when the hold ends. A hold covers its days from `starts_on` through `ends_on`. One that ended
 * at an instant of the day after — released by a person, kept by a payment (`ended_at`) — was
 * still in force for that day's fee if the fee's time came first: released at 10:00, the
 * 08:00 fee of the release day was under it; released at 07:00, it was not. A hold whose end
 * was found later (a plan broken on a day after its missed date) covers nothing past `ends_on`.
 * A dispute stops no fee here: lateFeesDue looks at what it covers of each rent.
 */
export function feeHeldOn(
  holds: readonly Hold[],
  day: string,
  postAt: string,
  at: (day: string, time: string) => number,
): boolean {
  return holds.some((h) => {
    const effect = holdEffect(h);
    return (effect === 'pause' || effect === 'stop_all') && coversFeeOf(h, h.starts_on, day, postAt, at);
  });
}

/**
 * Whether a dispute that has ended covered the late fee of `day` (as feeHeldOn, from the day it
 * was entered: a backdated dispute covers no earlier day). Its days' fees were judged while it
 * lasted, on the undisputed part of the rent (lateFeesDue), so a day it covered with no fee on
 * record is one the rent was wholly disputed on: that fee is never owed, and is not caught up
 * when the dispute ends.
 */
function endedDisputeOn(
  holds: readonly Hold[],
  day: string,
  postAt: string,
  at: (day: string, time: string) => number,
): boolean {
  return holds.some(
    (h) =>
      h.kind === 'dispute' &&
      (h.status !== 'active' || (h.ends_on !== null && h.ends_on < day)) &&
      coversFeeOf(h, h.recorded_on ?? h.starts_on, day, postAt, at),
  );
}

function coversFeeOf(
  h: Hold,
  from: string,
  day: string,
  postAt: string,
  at: (day: string, time: string) => number,
): boolean {
  if (h.status === 'awaiting_approval' || h.status === 'rejected') return false;
  if (from > day) return false;
  if (h.ends_on === null) return h.status === 'active';
  if (h.ends_on >= day) return true;
  if (!h.ended_at || addDays(h.ends_on, 1) !== day) return false;
  const ended = Date.parse(h.ended_at);
  return at(day, postAt) < ended && ended < at(addDays(day, 1), '00:00');
}

/**
 * Of an open charge, what a dispute in force covered on `day`. A dispute covers what it covers
 * from the day it was entered (money since pays only the rest, rent-first.ts), so today's
 * carve-out holds for every day since then and for none before (fees for earlier days were owed
 * on the whole rent). With several disputes in force, the first one entered dates them all.
 */
export function disputedOn(facts: LeaseFacts, charge: LeaseFacts['open_charges'][number], day: string): number {
  const covered = charge.disputed_cents ?? 0;
  if (covered === 0) return 0;
  let entered: string | undefined;
  for (const d of disputesInForce(facts.holds, facts.today))
    if (entered === undefined || d.entered_on < entered) entered = d.entered_on;
  return entered !== undefined && entered <= day ? covered : 0;
}

/** Fees stop being caught up this many days after their day: older ones were the old system's. */
const FEE_CATCH_UP_DAYS = 30;

/**
 * Late fees due by today for every open eligible charge. Keyed per period (and per day for
 * daily accrual), so a re-run, a retry or a second worker can never post one twice; the period
 * total is capped by the lease's own cap and the jurisdiction's, whichever is lower.
 */
export function lateFeesDue(
  policy: PolicyDocument,
  facts: LeaseFacts,
  isPaused: (day: string) => boolean,
  posted: (periodDueOn: string) => number,
  known: (key: string) => boolean,
): FeeDraft[] {
  const fees = policy.late_fees;
  if (!fees.enabled) return [];
  const terms = facts.lease.late_fee ?? facts.property.late_fee ?? fees.default_terms;
  if (!terms) return [];
  const types = fees.eligible_charge_types as string[];
  const today = facts.today;
  const eligible = (c: LeaseFacts['open_charges'][number]) => types.includes(c.charge_type) && c.due_on < today;
  // Only past-due eligible charges (rent by default) draw a fee; the open charges are read
  // rent-first, so rent a payment would have paid but for an older fee is not late. Escalation
  // acts on the undisputed amount only (holds.ts): what a dispute covers is not late.
  let eligibleCents = 0;
  for (const c of facts.open_charges) if (eligible(c)) eligibleCents += undisputedCents(c);
  const pastDueEligible = eligibleCents - facts.unapplied_credit_cents;
  if (pastDueEligible <= 0 || pastDueEligible < fees.min_balance_cents) return [];
  // The tenancy ended: no late fee accrues for a day after the move-out (the balance is a final
  // one now; a fee the lease no longer authorises is one a debt collector may not collect, 15
  // U.S.C. 1692f(1)), while fees for days up to it stand.
  const lastDay = facts.lease.moved_out_on && facts.lease.moved_out_on < today ? facts.lease.moved_out_on : today;
  const tz = facts.property.timezone;
  const endedDispute = (d: string) =>
    facts.holds.length > 0 && endedDisputeOn(facts.holds, d, fees.post_at, (x, t) => instantMs(x, t, tz));
  const drafts: FeeDraft[] = [];
  const chargedElsewhere = (facts.fees_charged_elsewhere ?? []).map((f) => f.period_due_on);
  for (const charge of facts.open_charges) {
    if (!eligible(charge) || charge.open_cents <= 0) continue;
    // The accounting system already charged this period's late fee: one fee per period.
    if (chargedElsewhere.includes(charge.due_on)) continue;
    // A fee is drawn on the undisputed part of the rent it is for, as it was on the fee's day: none
    // for a day the rent was wholly disputed (daily accrual stops), and a dispute entered after
    // a fee's day changes nothing for it (a fee posted stays, and days before it accrue).
    const undisputedOn = (d: string) => (endedDispute(d) ? 0 : charge.open_cents - disputedOn(facts, charge, d));
    const limit = lateFeeLimit(facts.property.jurisdiction, charge.due_on, facts.lease.kind);
    const waitDays = Math.max(facts.lease.grace_days, limit?.params.min_days_unpaid ?? 0);
    const feeDay = addDays(charge.due_on, waitDays + 1);
    if (feeDay > lastDay) continue;
    // A period whose first fee day is long past and that has no fee of Arrears' on record is the
    // previous system's (its fees came with the imported ledger): nothing is posted for it. One
    // Arrears has charged keeps accruing (daily terms), however long it stays unpaid.
    const old = daysBetween(feeDay, facts.today) > FEE_CATCH_UP_DAYS;
    if (old && !(posted(charge.due_on) > 0 || known(`${facts.lease.id}:late_fee:${charge.due_on}`))) continue;
    const statutory = statutoryFeeCap(limit, facts.lease.rent_cents, facts.property.units) ?? Number.POSITIVE_INFINITY;
    const cap =
      terms.kind === 'daily' ? Math.min(statutory, terms.cap_cents ?? Number.POSITIVE_INFINITY) : Math.min(statutory);
    let total = posted(charge.due_on);
    const rule = limit ? ruleRef(limit) : undefined;
    const add = (key: string, on: string, amount: number) => {
      const allowed = Math.min(amount, cap - total);
      // Nothing left under the cap (a period capped days ago): no need to look the key up.
      if (allowed <= 0) return;
      // A fee already on record is in `total` already (posted()); only new ones count here.
      if (known(key)) return;
      total += allowed;
      drafts.push({ key, type: 'late_fee', on, amount_cents: allowed, period_due_on: charge.due_on, rule });
    };
    const base = `${facts.lease.id}:late_fee:${charge.due_on}`;
    // Paused days (bankruptcy, a manual hold, a promise, a plan, a payment in transit) accrue
    // nothing, and a fee whose day was paused is never owed: it is not posted once the hold ends.
    const day = feeDay;
    const initial = !isPaused(day) && undisputedOn(day) > 0;
    switch (terms.kind) {
      case 'flat':
        if (initial) add(base, day, terms.amount_cents);
        break;
      case 'percent': {
        // Of the rent, less what a dispute covers of it.
        const rent = Math.max(0, facts.lease.rent_cents - disputedOn(facts, charge, day));
        if (initial) add(base, day, Math.floor((rent * terms.bps) / 10_000));
        break;
      }
      case 'percent_of_balance':
        if (initial) add(base, day, Math.floor((undisputedOn(day) * terms.bps) / 10_000));
        break;
      case 'daily': {
        if (initial && !old) add(base, day, terms.initial_cents);
        // Keyed by the day it accrues for: a hold recorded later never renumbers earlier days.
        // Days further back than the catch-up window (downtime) are not caught up.
        const next = addDays(day, 1);
        const catchUpFrom = addDays(facts.today, -FEE_CATCH_UP_DAYS);
        for (let d = next > catchUpFrom ? next : catchUpFrom; d <= lastDay; d = addDays(d, 1)) {
          if (isPaused(d) || undisputedOn(d) <= 0) continue;
          add(`${base}:${d}`, d, terms.daily_cents);
        }
        break;
      }
      default: {
        const never: never = terms;
        throw new Error(`unknown late fee terms ${JSON.stringify(never)}`);
      }
    }
  }
  return drafts;
}

/**
 * What a percent late fee drafted at the day's first evaluation comes to when it posts (the
 * policy's `post_at`): a dispute entered between the two covers part of the rent from that day
 * on (disputedOn), so the fee is drawn on the rest, as one entered the day before would have
 * been. Never more than drafted; flat and daily amounts do not depend on how much is disputed.
 */
export function lateFeeAtPosting(
  policy: PolicyDocument,
  facts: LeaseFacts,
  periodDueOn: string,
  on: string,
  drafted: number,
): number {
  const terms = facts.lease.late_fee ?? facts.property.late_fee ?? policy.late_fees.default_terms;
  if (!terms || (terms.kind !== 'percent' && terms.kind !== 'percent_of_balance')) return drafted;
  const charge = facts.open_charges.find((c) => c.due_on === periodDueOn && c.charge_type === 'rent');
  if (!charge) return drafted;
  const disputed = disputedOn(facts, charge, on);
  if (disputed === 0) return drafted;
  const base = terms.kind === 'percent' ? facts.lease.rent_cents - disputed : charge.open_cents - disputed;
  return Math.min(drafted, Math.floor((Math.max(0, base) * terms.bps) / 10_000));
}

/** One NSF fee per returned payment, when the policy charges one. */
export function nsfFeesDue(policy: PolicyDocument, facts: LeaseFacts): FeeDraft[] {
  if (policy.nsf_fee_cents <= 0) return [];
  const drafts: FeeDraft[] = [];
  for (const c of facts.credits) {
    if (c.kind !== 'reversal' || c.reason !== 'nsf') continue;
    if (!(daysBetween(c.effective_on, facts.today) <= FEE_CATCH_UP_DAYS)) continue;
    drafts.push({
      key: `${facts.lease.id}:nsf_fee:${c.external_id}`,
      type: 'nsf_fee' as const,
      on: c.effective_on,
      amount_cents: policy.nsf_fee_cents,
    });
  }
  return drafts;
}

export interface FeeReversalDraft {
  /** `<fee key>:reversed`: one reversal per fee, ever, however often the lease is re-evaluated. */
  key: string;
  /** The late fee's own key (its ledger charge's external_id). */
  fee_key: string;
  /** The day the fee belongs to (the day it accrued for). */
  on: string;
  /** Exactly what was posted. */
  amount_cents: number;
  period_due_on?: string;
  hold: Hold;
}

/** A hold that stops fees and was entered after its start: it reaches back over earlier days. */
function backdatedFeeHold(hold: Hold): boolean {
  const effect = holdEffect(hold);
  if (effect !== 'pause' && effect !== 'stop_all') return false;
  if (hold.status === 'awaiting_approval' || hold.status === 'rejected') return false;
  return hold.starts_on < (hold.recorded_on ?? hold.starts_on);
}

/**
 * The backdated hold that covers a day already behind it when it was entered: from its
 * `starts_on` through its end, and no later than the day it was entered (a fee posted after
 * that posted while the hold was not in force, e.g. waiting for approval). The first one on
 * record wins, so the reversal names the same hold every time.
 */
function backdatedHoldOn(holds: readonly Hold[], day: string): Hold | undefined {
  for (const h of holds) {
    if (!backdatedFeeHold(h)) continue;
    if (day < h.starts_on || day > (h.recorded_on ?? h.starts_on)) continue;
    if (h.ends_on === null ? h.status === 'active' : h.ends_on >= day) return h;
  }
  return undefined;
}

/**
 * Late fees Arrears posted for a day a hold now covers because it was entered late (a
 * bankruptcy petition filed last week, a promise or payment in transit recorded a few days
 * late, a backdated manual hold): each is reversed by a credit of exactly the posted amount.
 * A fee for a day before the hold's start stays; a fee reversed stays reversed when the hold
 * ends (its key is on record, so it is never posted again). Daily accrual: each covered day's
 * own fee is reversed, the others stay.
 */
export function feeReversalsDue(facts: LeaseFacts, known: Pick<KnownEffects, 'each' | 'has'>): FeeReversalDraft[] {
  if (!facts.holds.some(backdatedFeeHold)) return [];
  const posted: KnownEffect[] = [];
  known.each(
    (e) => e.type === 'late_fee' && e.status === 'posted',
    (e) => posted.push(e),
  );
  const drafts: FeeReversalDraft[] = [];
  for (const e of posted) {
    const key = `${e.key}:reversed`;
    const on = String(e.payload.on);
    const amount = Number(e.payload.amount_cents ?? 0);
    if (!(amount > 0)) continue;
    const hold = backdatedHoldOn(facts.holds, on);
    if (!hold || known.has(key)) continue;
    drafts.push({
      key,
      fee_key: e.key,
      on,
      amount_cents: amount,
      ...(e.payload.period_due_on ? { period_due_on: String(e.payload.period_due_on) } : {}),
      hold,
    });
  }
  // The ledger's order: by the day each fee belongs to, then by key (the same on every run).
  return drafts.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Periods whose late fees, Arrears' own and the accounting system's together, exceed the statutory
 * cap: the accounting system's fee came after Arrears had charged that period. Arrears adds no
 * more, but what is charged is over the law's limit, so a person refunds the excess (a task).
 */
export function feeCapOverruns(
  facts: LeaseFacts,
  posted: (period: string) => number,
): { period_due_on: string; arrears_cents: number; elsewhere_cents: number; cap_cents: number; rule: RuleRef }[] {
  const out = [];
  for (const { period_due_on, amount_cents } of facts.fees_charged_elsewhere ?? []) {
    const arrears = posted(period_due_on);
    if (arrears === 0) continue;
    const limit = lateFeeLimit(facts.property.jurisdiction, period_due_on, facts.lease.kind);
    const cap = statutoryFeeCap(limit, facts.lease.rent_cents, facts.property.units);
    if (cap === undefined || !limit || arrears + amount_cents <= cap) continue;
    out.push({
      period_due_on,
      arrears_cents: arrears,
      elsewhere_cents: amount_cents,
      cap_cents: cap,
      rule: ruleRef(limit),
    });
  }
  return out;
}

/** A person's task per period over the cap (feeCapOverruns), keyed by the period: made once. */
export function feeCapTasks(facts: LeaseFacts, posted: (period: string) => number, now: Date): NewEffect[] {
  return feeCapOverruns(facts, posted).map(({ rule, ...over }) => ({
    key: `${facts.lease.id}:fee-cap:${over.period_due_on}`,
    type: 'task',
    status: 'scheduled',
    due_at: now,
    rule,
    payload: { template: 'fee-cap-exceeded', ...over },
  }));
}
