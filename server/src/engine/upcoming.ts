import type { PolicyDocument } from '@arrears/shared';
import { addDays } from './days.ts';
import type { LeaseFacts } from './facts.ts';
import type { KnownEffects } from './known.ts';
import { activeHolds, scraHold, strongest, type HoldEffect } from './holds.ts';
import { isLegalAction } from './notices.ts';
import { earliestReminder, nextRentDueOn, rentDueOn } from './reminders.ts';
import { reachableLevel, type Severity } from './severity.ts';
import { datedSteps, stepKey, type PolicyStep } from './steps.ts';

// What comes next for a lease: its next policy step, and the day the engine wants to look again.

/**
 * The next policy step of the anchor not yet on record, skipping legal ones when `skipLegal` (an
 * SCRA hold) and the steps of levels the balance rules out (a $75 balance never reaches a
 * hand-off level that starts at $250, however late it is).
 */
export function nextStep(
  policy: PolicyDocument,
  facts: LeaseFacts,
  sev: Severity & { anchor_due_on: string },
  known: KnownEffects,
  skipLegal: boolean,
) {
  const anchor = sev.anchor_due_on;
  for (const s of datedSteps(policy, facts, anchor)) {
    if (s.day <= facts.today || known.has(stepKey(facts.lease.id, s.step.id, anchor))) continue;
    const level = policy.levels[s.rank];
    if (level && !reachableLevel(level, sev)) continue;
    if (skipLegal && isLegalAction(s.step.action, s.step.action === 'notice' ? s.step.notice : undefined)) continue;
    return s;
  }
  return undefined;
}

/**
 * The day the engine wants to evaluate the lease again (its timer): tomorrow while anything is
 * open, held or pending; else the next ledger entry or the next rent reminder, whichever is first.
 */
export function wakeOn(policy: PolicyDocument, facts: LeaseFacts, known: KnownEffects): string | null {
  const tomorrow = addDays(facts.today, 1);
  if (facts.open_charges.length > 0) return tomorrow;
  if (facts.holds.some((h) => h.status === 'active' || h.status === 'awaiting_approval')) return tomorrow;
  if (known.some((e) => e.status === 'scheduled' || e.status === 'awaiting_approval')) return tomorrow;
  const entry = facts.next_entry_on ?? null;
  if (policy.reminders.length === 0 || facts.lease.autopay || facts.lease.moved_out_on) return entry;
  const thisMonth = rentDueOn(facts.today, facts.lease.due_day);
  const nextDue = thisMonth > facts.today ? thisMonth : nextRentDueOn(facts.today, facts.lease.due_day);
  const day = addDays(nextDue, -earliestReminder(policy));
  const reminder = day > facts.today ? day : tomorrow;
  return entry !== null && entry < reminder ? entry : reminder;
}

/**
 * "Next" as the lease's card (cards/view.ts) and the report show it: the next policy step not yet
 * on record; nothing while a bankruptcy stay or a deceased hold stops everything, and under an
 * SCRA hold the next step that is not a legal one. `stop` is the strongest hold in force today
 * (decide passes the one it computed; absent, it is worked out from the facts the same way).
 */
export function upcomingStep(
  policy: PolicyDocument,
  facts: LeaseFacts,
  sev: Severity,
  known: KnownEffects,
  stop: { effect: HoldEffect } | null = strongest(activeHolds(facts, facts.today)),
): PolicyStep | undefined {
  return sev.anchor_due_on && stop?.effect !== 'stop_all'
    ? nextStep(policy, facts, { ...sev, anchor_due_on: sev.anchor_due_on }, known, scraHold(facts) !== undefined)
    : undefined;
}
