import type { PolicyDocument } from '@arrears/shared';
import { lateFeeLimit, ruleRef, statutoryFeeCap } from '../compliance/rules/index.ts';
import { addDays, compareInstants, daysBetween, instantIso } from './days.ts';
import type { Hold, KnownEffect, LeaseFacts } from './facts.ts';
import { holdEffect } from './holds.ts';
import type { KnownEffects } from './known.ts';

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
 * The part of the engine's own fees (late and NSF) paid since the lease was last current with
 * none of its open charges due yet. The ledger applies money oldest due first, so a payment of a
 * month's rent first pays last month's fee and leaves that much rent open: that rent is not
 * late, and must not draw a late fee of its own or be demanded as rent.
 */
export function feesPaidInArrears(facts: LeaseFacts, known: readonly KnownEffect[]): number {
  const oldest = facts.open_charges.find((c) => c.charge_type !== 'late_fee' && c.charge_type !== 'nsf_fee');
  if (!oldest) return 0;
  // A cure only starts afresh when what is open now came due after it (a payment on the due
  // day that pays the old fee leaves today's rent open and the lease "current" for a day).
  // Most leases have no posted fee at all: find those first, and the cure cut-off only if any.
  let fees: KnownEffect[] | undefined;
  for (let i = 0; i < known.length; i++) {
    const e = known[i]!;
    if (e.status === 'posted' && (e.type === 'late_fee' || e.type === 'nsf_fee')) (fees ??= []).push(e);
  }
  if (!fees) return 0;
  // "Cured on a local day before the oldest open charge's due day" is "cured before that day's
  // first instant": one zone conversion per call instead of one per cure.
  const oldestDueStarts = instantIso(oldest.due_on, '00:00', facts.property.timezone);
  let since: string | undefined;
  for (let i = 0; i < known.length; i++) {
    const e = known[i]!;
    if (e.type !== 'cure') continue;
    if (compareInstants(e.due_at, oldestDueStarts) < 0 && (since === undefined || compareInstants(e.due_at, since) > 0))
      since = e.due_at;
  }
  let paid = 0;
  for (const fee of fees) {
    if (since !== undefined && !(compareInstants(fee.due_at, since) > 0)) continue;
    const open = facts.open_charges.find((c) => c.external_id === fee.key)?.open_cents ?? 0;
    paid += Math.max(0, Number(fee.payload.amount_cents ?? 0) - open);
  }
  return paid;
}

/**
 * Open amounts of charges as if money had gone to them before the engine's fees: the oldest
 * ones absorb `fees_paid_cents` first. Keyed by external id; charges not in `which` unchanged.
 */
export function rentFirstOpen(facts: LeaseFacts, which: (c: LeaseFacts['open_charges'][number]) => boolean) {
  let left = facts.fees_paid_cents ?? 0;
  const open = new Map<string, number>();
  for (const c of facts.open_charges) {
    if (!which(c)) continue;
    const absorbed = Math.min(left, c.open_cents);
    left -= absorbed;
    open.set(c.external_id, c.open_cents - absorbed);
  }
  return open;
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
  // Only past-due eligible charges (rent by default) draw a fee, and only what is really unpaid
  // of them: rent left open because a payment went to an earlier fee first is not late.
  const adjusted = facts.fees_paid_cents ? rentFirstOpen(facts, eligible) : undefined;
  const openOf = (c: LeaseFacts['open_charges'][number]) => adjusted?.get(c.external_id) ?? c.open_cents;
  let eligibleCents = 0;
  for (const c of facts.open_charges) if (eligible(c)) eligibleCents += openOf(c);
  const pastDueEligible = eligibleCents - facts.unapplied_credit_cents;
  if (pastDueEligible <= 0 || pastDueEligible < fees.min_balance_cents) return [];
  const drafts: FeeDraft[] = [];
  for (const charge of facts.open_charges) {
    if (!eligible(charge) || openOf(charge) <= 0) continue;
    const limit = lateFeeLimit(facts.property.jurisdiction, charge.due_on, facts.lease.kind);
    const waitDays = Math.max(facts.lease.grace_days, limit?.params.min_days_unpaid ?? 0);
    const feeDay = addDays(charge.due_on, waitDays + 1);
    if (feeDay > facts.today || daysBetween(feeDay, facts.today) > FEE_CATCH_UP_DAYS) continue;
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
    const initial = !isPaused(day);
    switch (terms.kind) {
      case 'flat':
        if (initial) add(base, day, terms.amount_cents);
        break;
      case 'percent':
        if (initial) add(base, day, Math.floor((facts.lease.rent_cents * terms.bps) / 10_000));
        break;
      case 'percent_of_balance':
        if (initial) add(base, day, Math.floor((openOf(charge) * terms.bps) / 10_000));
        break;
      case 'daily': {
        if (initial) add(base, day, terms.initial_cents);
        // Keyed by the day it accrues for: a hold recorded later never renumbers earlier days.
        for (let d = addDays(day, 1); d <= facts.today; d = addDays(d, 1)) {
          if (isPaused(d)) continue;
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
