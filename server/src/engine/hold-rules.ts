import type { HoldKind, UserRole } from '@arrears/shared';
import { BANKRUPTCY_STAY_ACTIONS } from '../compliance/rules/federal-collection.ts';
import { ruleRef, type RuleRef } from '../compliance/rules/index.ts';
import { daysBetweenDates } from '../time/zoned.ts';
import type { Hold } from './facts.ts';

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
