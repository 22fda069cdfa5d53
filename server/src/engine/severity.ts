import type { PolicyDocument } from '@arrears/shared';
import { effectiveDayRanges } from '@arrears/shared';
import { daysBetweenDates } from '../time/zoned.ts';
import type { LeaseFacts } from './facts.ts';
import { disputedCents } from './holds.ts';

/** Levels below the policy's own: nothing owed, and owed but not yet at the first level. */
export const CURRENT = 'current';
export const GRACE = 'grace';
export const PAST_DUE = 'past_due';

export interface Severity {
  level: string;
  /** Today minus the due date of the oldest unpaid charge; 0 when nothing is past due. */
  days_past_due: number;
  /** The balance escalation may act on: open charges due, minus open credits and disputed amounts. */
  balance_cents: number;
  disputed_cents: number;
  unpaid_charges: number;
  /** Due date of the oldest unpaid charge: the anchor every step is counted from. */
  anchor_due_on: string | null;
}

/**
 * Severity is a function of the ledger (Kill Bill, Fineract): recomputed from scratch on every
 * event, so cure and NSF re-entry need no special cases. The due day itself is not past due.
 */
export function severity(policy: PolicyDocument, facts: LeaseFacts): Severity {
  const due = facts.open_charges.filter((charge) => charge.due_on < facts.today);
  const owed = due.reduce((sum, charge) => sum + charge.open_cents, 0);
  const disputed = disputedCents(facts);
  const balance = Math.max(0, owed - facts.unapplied_credit_cents - disputed);
  const anchor = balance > 0 ? (due[0]?.due_on ?? null) : null;
  const days = anchor ? daysBetweenDates(anchor, facts.today) : 0;
  const base = { days_past_due: days, balance_cents: balance, disputed_cents: disputed, unpaid_charges: due.length };
  if (!anchor) return { ...base, level: CURRENT, anchor_due_on: null };
  const ranges = effectiveDayRanges(policy.levels);
  for (let i = policy.levels.length - 1; i >= 0; i--) {
    const level = policy.levels[i]!;
    const range = ranges[i]!;
    // The most severe level whose every condition holds wins; days ranges only bound from
    // below here, so a lease past the last level's explicit max still counts as that level.
    if (days < range.min) continue;
    if (!within(balance, level.balance_cents) || !within(due.length, level.unpaid_charges)) continue;
    return { ...base, level: level.id, anchor_due_on: anchor };
  }
  return { ...base, level: days <= facts.lease.grace_days ? GRACE : PAST_DUE, anchor_due_on: anchor };
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
