import type { PolicyDocument } from '@arrears/shared';
import { lateFeeLimit, ruleRef, statutoryFeeCap } from '../compliance/rules/index.ts';
import { addDays, daysBetween } from './days.ts';
import type { LeaseFacts } from './facts.ts';

export interface FeeDraft {
  key: string;
  type: 'late_fee' | 'nsf_fee';
  /** The local day the fee belongs to (posting day). */
  on: string;
  amount_cents: number;
  period_due_on?: string;
  rule?: ReturnType<typeof ruleRef>;
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
  let eligibleCents = 0;
  for (const c of facts.open_charges)
    if (types.includes(c.charge_type) && c.due_on < today) eligibleCents += c.open_cents;
  const pastDueEligible = eligibleCents - facts.unapplied_credit_cents;
  if (pastDueEligible <= 0 || pastDueEligible < fees.min_balance_cents) return [];
  const drafts: FeeDraft[] = [];
  for (const charge of facts.open_charges) {
    if (!(types.includes(charge.charge_type) && charge.due_on < today)) continue;
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
    // Paused days (a promise, a plan, a payment in transit) accrue nothing; the initial fee
    // waits for the first day that is not paused.
    let day = feeDay;
    while (day <= facts.today && isPaused(day)) day = addDays(day, 1);
    if (day > facts.today) continue;
    switch (terms.kind) {
      case 'flat':
        add(base, day, terms.amount_cents);
        break;
      case 'percent':
        add(base, day, Math.floor((facts.lease.rent_cents * terms.bps) / 10_000));
        break;
      case 'percent_of_balance':
        add(base, day, Math.floor((charge.open_cents * terms.bps) / 10_000));
        break;
      case 'daily': {
        add(base, day, terms.initial_cents);
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
