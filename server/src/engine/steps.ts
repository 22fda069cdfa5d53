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

/** Every step of every level the lease has reached, for one anchor, in day order. */
export function reachedSteps(policy: PolicyDocument, facts: LeaseFacts, level: string, anchor: string): PlannedStep[] {
  const rank = levelRank(policy, level);
  const steps: PlannedStep[] = [];
  policy.levels.forEach((l, i) => {
    if (i > rank) return;
    for (const step of l.steps) {
      if (!matches(step.when, facts)) continue;
      steps.push({
        step,
        level: l.id,
        day: addCalendarDays(anchor, step.day),
        key: stepKey(facts.lease.id, step.id, anchor),
      });
    }
  });
  return steps.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** Steps of later levels, for "next action" and the timer. */
export function upcomingSteps(policy: PolicyDocument, facts: LeaseFacts, anchor: string): PlannedStep[] {
  const all: PlannedStep[] = [];
  for (const l of policy.levels)
    for (const step of l.steps)
      if (matches(step.when, facts))
        all.push({
          step,
          level: l.id,
          day: addCalendarDays(anchor, step.day),
          key: stepKey(facts.lease.id, step.id, anchor),
        });
  return all.filter((s) => s.day > facts.today).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
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
