import type { PolicyDocument, Step, StepCondition } from '@arrears/shared';
import { businessDayOnOrAfter } from '../compliance/calendar/index.ts';
import { addCalendarDays, daysBetweenDates } from '../time/zoned.ts';
import type { Hold, LeaseFacts } from './facts.ts';
import { holdEffect } from './holds.ts';
import { levelRank } from './severity.ts';

export interface PlannedStep {
  step: Step;
  level: string;
  /** anchor + step.day: the day the step belongs to. */
  day: string;
  key: string;
}

export function stepKey(leaseId: string, stepId: string, anchor: string): string {
  return `${leaseId}:${stepId}:${anchor}`;
}

export function matches(condition: StepCondition | undefined, facts: LeaseFacts): boolean {
  if (!condition) return true;
  const primary = facts.tenants.find((t) => t.role === 'primary') ?? facts.tenants[0];
  if (condition.lease_kind && !condition.lease_kind.includes(facts.lease.kind)) return false;
  if (condition.tenant_type && !(primary && condition.tenant_type.includes(primary.type))) return false;
  if (condition.segment && !(facts.lease.segment && condition.segment.includes(facts.lease.segment))) return false;
  if (condition.collector && !condition.collector.includes(facts.lease.collector)) return false;
  if (condition.jurisdiction && !condition.jurisdiction.includes(facts.property.jurisdiction)) return false;
  return true;
}

interface PolicyStep {
  step: Step;
  level: string;
  rank: number;
  day: string;
}

const PLANS = new WeakMap<PolicyDocument, Map<string, PolicyStep[]>>();

/**
 * Every step of the policy that applies to this lease, dated from the anchor, in day order.
 * Policies are immutable and the conditions read only a few lease attributes, so the dated list
 * is shared by every lease with the same anchor and attributes (the daily scan's common case).
 */
function datedSteps(policy: PolicyDocument, facts: LeaseFacts, anchor: string): PolicyStep[] {
  let plans = PLANS.get(policy);
  if (!plans) PLANS.set(policy, (plans = new Map()));
  const primary = facts.tenants.find((t) => t.role === 'primary') ?? facts.tenants[0];
  const lease = facts.lease;
  const id = `${anchor}|${lease.kind}|${primary?.type}|${lease.segment}|${lease.collector}|${facts.property.jurisdiction}`;
  let steps = plans.get(id);
  if (steps) return steps;
  steps = [];
  for (const [rank, l] of policy.levels.entries())
    for (const step of l.steps)
      if (matches(step.when, facts)) steps.push({ step, level: l.id, rank, day: addCalendarDays(anchor, step.day) });
  steps.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  if (plans.size > 10_000) plans.clear();
  plans.set(id, steps);
  return steps;
}

function planned(steps: PolicyStep[], facts: LeaseFacts, anchor: string): PlannedStep[] {
  return steps.map(({ step, level, day }) => ({ step, level, day, key: stepKey(facts.lease.id, step.id, anchor) }));
}

/** Every step of every level the lease has reached, for one anchor, in day order. */
export function reachedSteps(policy: PolicyDocument, facts: LeaseFacts, level: string, anchor: string): PlannedStep[] {
  const rank = levelRank(policy, level);
  return planned(
    datedSteps(policy, facts, anchor).filter((s) => s.rank <= rank),
    facts,
    anchor,
  );
}

/** Steps still ahead (for "next action" and the timer), in day order. */
export function upcomingSteps(policy: PolicyDocument, facts: LeaseFacts, anchor: string): PlannedStep[] {
  return planned(
    datedSteps(policy, facts, anchor).filter((s) => s.day > facts.today),
    facts,
    anchor,
  );
}

/**
 * The day a step may go out: its own day, or, when a pausing hold covered that day, the first
 * business day after the hold ended ("resumes at the paused step"). Undefined while paused.
 */
export function releaseDay(day: string, holds: readonly Hold[], calendar: 'US'): string | undefined {
  let release = day;
  for (const hold of holds) {
    const effect = holdEffect(hold);
    if (effect !== 'pause' && effect !== 'stop_all') continue;
    if (hold.status === 'awaiting_approval' || hold.status === 'rejected') continue;
    if (hold.starts_on > release) continue;
    const end = hold.ends_on;
    const open = hold.status === 'active';
    if (open && (end === null || end >= release)) return undefined;
    if (end !== null && end >= release) release = businessDayOnOrAfter(addCalendarDays(end, 1), calendar);
  }
  return release;
}

export function lateness(release: string, today: string): number {
  return daysBetweenDates(release, today);
}
