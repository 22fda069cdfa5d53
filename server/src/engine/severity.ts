import type { PolicyDocument } from '@arrears/shared';
import { effectiveDayRanges } from '@arrears/shared';
import { daysBetween } from './days.ts';
import type { LeaseFacts } from './facts.ts';

/** Levels below the policy's own: nothing owed, and owed but not yet at the first level. */
export const CURRENT = 'current';
export const GRACE = 'grace';
export const PAST_DUE = 'past_due';

export interface Severity {
  level: string;
  /** Today minus the due date of the oldest unpaid charge; 0 when nothing is past due. */
  days_past_due: number;
  /** The balance escalation may act on: open charges due, minus open credits and what disputes cover. */
  balance_cents: number;
  disputed_cents: number;
  unpaid_charges: number;
  /** Due date of the oldest unpaid charge not wholly disputed: the anchor every step is counted from. */
  anchor_due_on: string | null;
}

/**
 * Severity is a function of the ledger (Kill Bill, Fineract): recomputed from scratch on every
 * event, so cure and NSF re-entry need no special cases. The due day itself is not past due.
 */
export function severity(policy: PolicyDocument, facts: LeaseFacts): Severity {
  // One pass over the open charges (oldest due first): the ones past due, their total, the first.
  // What a dispute covers is carved out charge by charge (rent-first.ts): a charge wholly
  // disputed is neither the anchor nor unpaid, so rent posted after a dispute is escalated at its
  // own age, not at the age of the disputed charges before it.
  const today = facts.today;
  const charges = facts.open_charges;
  let owed = 0;
  let unpaid = 0;
  let disputed = 0;
  let first: string | null = null;
  for (let i = 0; i < charges.length; i++) {
    const charge = charges[i]!;
    const covered = charge.disputed_cents ?? 0;
    disputed += covered;
    if (!(charge.due_on < today) || charge.open_cents - covered <= 0) continue;
    if (unpaid === 0) first = charge.due_on;
    unpaid++;
    owed += charge.open_cents - covered;
  }
  const balance = Math.max(0, owed - facts.unapplied_credit_cents);
  const anchor = balance > 0 ? first : null;
  const days = anchor ? daysBetween(anchor, today) : 0;
  if (!anchor) return result(days, balance, disputed, unpaid, CURRENT, null);
  const levels = policy.levels;
  const ranges = dayRanges(policy);
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i]!;
    // The most severe level whose every condition holds wins; days ranges only bound from
    // below here, so a lease past the last level's explicit max still counts as that level.
    if (days < ranges[i]!.min) continue;
    if (!within(balance, level.balance_cents) || !within(unpaid, level.unpaid_charges)) continue;
    return result(days, balance, disputed, unpaid, level.id, anchor);
  }
  return result(days, balance, disputed, unpaid, days <= facts.lease.grace_days ? GRACE : PAST_DUE, anchor);
}

function result(
  days: number,
  balance: number,
  disputed: number,
  unpaid: number,
  level: string,
  anchor: string | null,
): Severity {
  return {
    days_past_due: days,
    balance_cents: balance,
    disputed_cents: disputed,
    unpaid_charges: unpaid,
    level,
    anchor_due_on: anchor,
  };
}

/** Each level's effective days range; policies are immutable, so this is computed once per document. */
const RANGES = new WeakMap<PolicyDocument, { min: number; max: number }[]>();
function dayRanges(policy: PolicyDocument): { min: number; max: number }[] {
  let ranges = RANGES.get(policy);
  if (!ranges) RANGES.set(policy, (ranges = effectiveDayRanges(policy.levels)));
  return ranges;
}

/**
 * Whether a level's conditions other than days hold for this severity (its balance and unpaid
 * charges ranges): a level they rule out is not reached however many days pass.
 */
export function reachableLevel(level: PolicyDocument['levels'][number], sev: Severity): boolean {
  return within(sev.balance_cents, level.balance_cents) && within(sev.unpaid_charges, level.unpaid_charges);
}

function within(value: number, range: { min?: number; max?: number } | undefined): boolean {
  if (!range) return true;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** Rank for "at least this level": below-policy levels rank under every policy level. */
export function levelRank(policy: PolicyDocument, level: string): number {
  if (level === CURRENT) return -3;
  if (level === GRACE) return -2;
  if (level === PAST_DUE) return -1;
  return policy.levels.findIndex((l) => l.id === level);
}
