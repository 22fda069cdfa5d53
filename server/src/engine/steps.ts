import type { PolicyDocument, Step, StepCondition } from '@arrears/shared';
import { addDays, businessDayFrom, daysBetween } from './days.ts';
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
  if (condition.lease_kind && !condition.lease_kind.includes(facts.lease.kind)) return false;
  if (condition.tenant_type) {
    const primary = facts.tenants.find((t) => t.role === 'primary') ?? facts.tenants[0];
    if (!(primary && condition.tenant_type.includes(primary.type))) return false;
  }
  if (condition.segment && !(facts.lease.segment && condition.segment.includes(facts.lease.segment))) return false;
  if (condition.collector && !condition.collector.includes(facts.lease.collector)) return false;
  if (condition.jurisdiction && !condition.jurisdiction.includes(facts.property.jurisdiction)) return false;
  return true;
}

export interface PolicyStep {
  step: Step;
  level: string;
  rank: number;
  day: string;
}

interface PolicyPlan {
  /** Every step with its level, in policy order. */
  steps: { step: Step; level: string; rank: number }[];
  /** Positions in `steps` of the steps with a `when` condition. */
  conditional: number[];
  /** Dated step lists by which conditional steps apply (a bit each), then by anchor. */
  dated: Map<number, Map<string, PolicyStep[]>>;
}

const PLANS = new WeakMap<PolicyDocument, PolicyPlan>();
/** Conditional steps a bit mask can tell apart; a policy with more takes the string key. */
const MASK_BITS = 30;
const BY_ATTRIBUTES = new WeakMap<PolicyDocument, Map<string, PolicyStep[]>>();

function policyPlan(policy: PolicyDocument): PolicyPlan {
  let plan = PLANS.get(policy);
  if (plan) return plan;
  const steps: PolicyPlan['steps'] = [];
  for (const [rank, l] of policy.levels.entries()) for (const step of l.steps) steps.push({ step, level: l.id, rank });
  const conditional = steps.flatMap((s, i) => (s.step.when ? [i] : []));
  plan = { steps, conditional, dated: new Map() };
  PLANS.set(policy, plan);
  return plan;
}

/**
 * Every step of the policy that applies to this lease, dated from the anchor, in day order.
 * Policies are immutable and the conditions read only a few lease attributes, so the dated list
 * is shared by every lease with the same anchor and the same steps applying (the daily scan's
 * common case). Callers must not change it.
 */
export function datedSteps(policy: PolicyDocument, facts: LeaseFacts, anchor: string): readonly PolicyStep[] {
  const plan = policyPlan(policy);
  if (plan.conditional.length > MASK_BITS) return datedByAttributes(policy, facts, anchor);
  let mask = 0;
  for (let bit = 0; bit < plan.conditional.length; bit++)
    if (matches(plan.steps[plan.conditional[bit]!]!.step.when, facts)) mask |= 1 << bit;
  let byAnchor = plan.dated.get(mask);
  if (!byAnchor) plan.dated.set(mask, (byAnchor = new Map()));
  let steps = byAnchor.get(anchor);
  if (steps) return steps;
  steps = [];
  for (let i = 0, bit = 0; i < plan.steps.length; i++) {
    const { step, level, rank } = plan.steps[i]!;
    if (step.when && !(mask & (1 << bit++))) continue;
    steps.push({ step, level, rank, day: addDays(anchor, step.day) });
  }
  steps.sort(byDay);
  if (byAnchor.size > 10_000) byAnchor.clear();
  byAnchor.set(anchor, steps);
  return steps;
}

const byDay = (a: PolicyStep, b: PolicyStep) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0);

/** The same list keyed by the attributes the conditions read (policies with many conditional steps). */
function datedByAttributes(policy: PolicyDocument, facts: LeaseFacts, anchor: string): PolicyStep[] {
  let plans = BY_ATTRIBUTES.get(policy);
  if (!plans) BY_ATTRIBUTES.set(policy, (plans = new Map()));
  const primary = facts.tenants.find((t) => t.role === 'primary') ?? facts.tenants[0];
  const lease = facts.lease;
  const id = `${anchor}|${lease.kind}|${primary?.type}|${lease.segment}|${lease.collector}|${facts.property.jurisdiction}`;
  let steps = plans.get(id);
  if (steps) return steps;
  steps = [];
  for (const [rank, l] of policy.levels.entries())
    for (const step of l.steps)
      if (matches(step.when, facts)) steps.push({ step, level: l.id, rank, day: addDays(anchor, step.day) });
  steps.sort(byDay);
  if (plans.size > 10_000) plans.clear();
  plans.set(id, steps);
  return steps;
}

function planned(steps: readonly PolicyStep[], facts: LeaseFacts, anchor: string): PlannedStep[] {
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
 * A legal step (`legal`) is paused by an SCRA hold too.
 */
export function releaseDay(day: string, holds: readonly Hold[], calendar: 'US', legal = false): string | undefined {
  let release = day;
  for (const hold of holds) {
    const effect = holdEffect(hold);
    if (effect !== 'pause' && effect !== 'stop_all' && !(legal && effect === 'block_legal')) continue;
    if (hold.status === 'awaiting_approval' || hold.status === 'rejected') continue;
    if (hold.starts_on > release) continue;
    const end = hold.ends_on;
    const open = hold.status === 'active';
    if (open && (end === null || end >= release)) return undefined;
    if (end !== null && end >= release) release = businessDayFrom(addDays(end, 1), calendar);
  }
  return release;
}

export function lateness(release: string, today: string): number {
  return daysBetween(release, today);
}
