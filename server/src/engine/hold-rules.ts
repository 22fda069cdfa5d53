import type { HoldKind, UserRole } from '@arrears/shared';
import { BANKRUPTCY_STAY_ACTIONS } from '../compliance/rules/federal-collection.ts';
import { ruleRef, type RuleRef } from '../compliance/rules/index.ts';
import { daysBetweenDates } from '../time/zoned.ts';
import { addDays } from './days.ts';
import type { Hold, LeaseFacts } from './facts.ts';
import { receivedSince, type HoldOutcome } from './holds.ts';

/** A promise or plan beyond this needs a manager's approval before it pauses anything. */
export const PLAN_LIMITS = { installments: 2, days: 60 } as const;

export interface HoldRequest {
  kind: HoldKind;
  starts_on: string;
  until?: string;
  schedule?: { by: string; amount_cents: number }[];
}

/** Whether a new hold takes effect at once or waits for approval, and when it ends. */
export function admitHold(request: HoldRequest): {
  status: 'active' | 'awaiting_approval';
  ends_on: string | null;
  reason?: string;
} {
  if (request.kind === 'promise_to_pay' || request.kind === 'payment_plan') {
    const schedule = request.schedule ?? [];
    const last = schedule.reduce((max, item) => (item.by > max ? item.by : max), request.starts_on);
    const long =
      schedule.length > PLAN_LIMITS.installments || daysBetweenDates(request.starts_on, last) > PLAN_LIMITS.days;
    return long
      ? { status: 'awaiting_approval', ends_on: last, reason: 'long_plan_needs_manager_approval' }
      : { status: 'active', ends_on: last };
  }
  return { status: 'active', ends_on: request.until ?? null };
}

/** Who may end a hold early. Only counsel lifts a bankruptcy stay, and only with an order or judgment. */
export function admitRelease(
  hold: Pick<Hold, 'kind' | 'status'>,
  role: UserRole,
  reason: string,
): { ok: true } | { ok: false; reason: string; rule?: RuleRef } {
  if (hold.status !== 'active' && hold.status !== 'awaiting_approval') return { ok: false, reason: 'hold_not_active' };
  if (hold.kind === 'bankruptcy') {
    if (role !== 'counsel') return { ok: false, reason: 'counsel_only', rule: ruleRef(BANKRUPTCY_STAY_ACTIONS) };
    if (!BANKRUPTCY_STAY_ACTIONS.params.release_reasons.includes(reason))
      return { ok: false, reason: 'release_reason_not_accepted', rule: ruleRef(BANKRUPTCY_STAY_ACTIONS) };
    return { ok: true };
  }
  if (hold.kind === 'deceased' && role !== 'counsel' && role !== 'manager')
    return { ok: false, reason: 'manager_or_counsel_only' };
  return { ok: true };
}

/**
 * A promise or plan is kept only by money that stays paid. When a payment received for a kept
 * one is reversed (NSF, chargeback, any return), the kept decision is judged again as of the day
 * it was made, by the rule that made it (every amount by its date, the whole by that day) and
 * with what stayed paid: short, the promise is broken, `payment_returned`, whether the return
 * came before its date or after. Its pause ended the day it was kept and escalation resumed
 * then, so that end stands (`on`); nothing pauses again.
 */
export function revisitKept(hold: Hold, facts: LeaseFacts): HoldOutcome | null {
  if (hold.status !== 'kept' || hold.ends_on === null) return null;
  if (hold.kind !== 'promise_to_pay' && hold.kind !== 'payment_plan') return null;
  const schedule = hold.terms.promises ?? hold.terms.installments;
  if (!schedule || schedule.length === 0) return null;
  const keptOn = addDays(hold.ends_on, 1);
  const counted = (id: string | undefined) =>
    facts.credits.some(
      (c) =>
        c.external_id === id &&
        (c.kind === 'payment' || c.kind === 'credit') &&
        c.source !== 'arrears' &&
        c.effective_on >= hold.starts_on &&
        c.effective_on <= keptOn,
    );
  if (!facts.credits.some((c) => c.kind === 'reversal' && counted(c.reverses))) return null;
  // Nothing owed any more (a credit or write-off since): nothing was left to promise.
  if (facts.balance_cents <= 0) return null;
  let promised = 0;
  for (const item of schedule) {
    promised += item.amount_cents;
    const by = item.by < keptOn ? item.by : keptOn;
    if (receivedSince(facts, hold.starts_on, by) < promised)
      return { hold, status: 'broken', on: keptOn, reason: 'payment_returned' };
  }
  return null;
}
