import type { PolicyDocument } from '@arrears/shared';
import {
  BANKRUPTCY_STAY_ACTIONS,
  CREDIT_FURNISHING_WAIT,
  SCRA_PROTECTIONS,
} from '../compliance/rules/federal-collection.ts';
import { DECEASED_SCRUB } from '../compliance/rules/federal-contact.ts';
import { ruleRef, type RuleRef } from '../compliance/rules/index.ts';
import { addCalendarDays, localDate, wallClock, zonedInstant } from '../time/zoned.ts';
import { creditFurnishingWait } from './credit-furnishing.ts';
import type { EffectStatus } from './effects.ts';
import type { KnownEffect, LeaseFacts } from './facts.ts';
import { disputedOn, lateFeeAtPosting } from './fees.ts';
import { activeHolds, strongest } from './holds.ts';
import { isLegalAction, movedOut, planNotice, POSSESSION_NOTICES, type NoticeTerms } from './notices.ts';
import { levelRank, reachableLevel, severity } from './severity.ts';
import { businessDayFrom } from './days.ts';
import { releaseDay } from './steps.ts';
import { NOTICE_VOID } from './stayed-notices.ts';

export type DispatchOutcome =
  | { status: Extract<EffectStatus, 'sent' | 'posted'>; payload?: Record<string, unknown> }
  | { status: Extract<EffectStatus, 'blocked' | 'suppressed' | 'cancelled'>; reason: string; rule?: RuleRef }
  | { status: 'deferred'; until: Date; reason: string; rule?: RuleRef };

/**
 * A contact's send-time guard check, supplied by the caller (compliance/guards). `suppress`: the
 * contact is optional and no longer owed (an opt-out confirmation past its minutes), not refused.
 */
export type ContactGuard = (
  effect: KnownEffect,
  facts: LeaseFacts,
  now: Date,
) => { ok: true } | { ok: false; reason: string; rule?: RuleRef; retryAt?: Date; suppress?: boolean };

const CONTACTS = ['email', 'sms', 'call', 'letter', 'certified_letter'];

/**
 * The check at send time, on the truth of this instant: the ledger may have changed since the
 * effect was planned (the cure race), a hold may have started, a guard may forbid the hour.
 * Pure: the caller performs what this returns.
 */
export function dispatchDecision(
  policy: PolicyDocument,
  effect: KnownEffect,
  facts: LeaseFacts,
  now: Date,
  guard: ContactGuard,
  /** The lease's effects as recorded (a notice already running makes a second one moot). */
  known: readonly KnownEffect[] = [],
): DispatchOutcome {
  // Internal work (the CRM record, an agent's task) is never a contact, and a receipt for money
  // taken is owed whatever else is going on: holds and balance checks do not stop them.
  if (effect.type === 'crm_update' || effect.type === 'task' || effect.type === 'receipt') return { status: 'sent' };
  // A late fee a backdated hold covers is credited back: no hold, balance or level stops that.
  if (effect.type === 'fee_reversal') return { status: 'posted' };
  const holds = activeHolds(facts, facts.today);
  const stop = strongest(holds);
  if (stop?.effect === 'stop_all') {
    return stop.hold.kind === 'bankruptcy'
      ? { status: 'blocked', reason: 'bankruptcy_stay', rule: ruleRef(BANKRUPTCY_STAY_ACTIONS) }
      : { status: 'blocked', reason: 'deceased', rule: ruleRef(DECEASED_SCRUB) };
  }
  // An SCRA hold that started after the step was drafted or approved: the step is refused now.
  if (isLegalAction(effect.type, effect.payload.notice) && holds.some((h) => h.kind === 'scra'))
    return { status: 'blocked', reason: 'hold_scra', rule: ruleRef(SCRA_PROTECTIONS) };
  // An agent's request is a person acting now; a fallback after a failed delivery (even of an
  // agent's contact) is the system acting later, and waits for allowed hours like any step.
  const automated = effect.request_id === null || effect.payload.fallback_for !== undefined;
  if (automated && isLegalAction(effect.type, effect.payload.notice)) {
    const paused = pausedUntil(facts, now, stop);
    if (paused) return paused;
  }
  const sev = severity(policy, facts);
  switch (effect.type) {
    case 'late_fee': {
      const period = String(effect.payload.period_due_on);
      const rent = facts.open_charges.filter((c) => c.due_on === period && c.charge_type === 'rent');
      if (rent.length === 0) return { status: 'suppressed', reason: 'paid_before_fee' };
      // A dispute entered before the fee's time covers all of its rent: that fee is never owed.
      const on = String(effect.payload.on ?? period);
      if (!rent.some((c) => c.open_cents > disputedOn(facts, c, on)))
        return { status: 'suppressed', reason: 'hold_dispute' };
      if (stop?.effect === 'pause') return { status: 'suppressed', reason: `hold_${stop.hold.kind}` };
      const drafted = Number(effect.payload.amount_cents);
      const amount = effect.key.endsWith(`:late_fee:${period}`)
        ? lateFeeAtPosting(policy, facts, period, on, drafted)
        : drafted;
      return amount === drafted
        ? { status: 'posted' }
        : { status: 'posted', payload: { amount_cents: amount, drafted_cents: drafted, reason: 'partly_disputed' } };
    }
    case 'nsf_fee':
      return { status: 'posted' };
    case 'notice': {
      if (POSSESSION_NOTICES.includes(effect.payload.notice as never) && movedOut(facts))
        return { status: 'suppressed', reason: 'moved_out' };
      const served = localDate(now, facts.property.timezone);
      const plan = planNotice(
        effect.payload.notice as NoticeTerms['notice'],
        facts,
        served,
        effect.payload.channels as string[] | undefined,
        effect.payload.period_days as number | undefined,
      );
      if (!plan.ok) return { status: 'blocked', reason: plan.reason, ...(plan.rule ? { rule: plan.rule } : {}) };
      // The rule of the service day governs: one not yet verified needs counsel's approval, even
      // for a notice approved (or due without approval) under the verified version before it.
      const byCounsel = effect.payload.approved_by_role === 'counsel' || effect.payload.approver === 'counsel';
      if (!plan.verified && !byCounsel)
        return { status: 'blocked', reason: 'counsel_approval_required', rule: plan.terms.rule };
      if (plan.terms.amount_demanded_cents <= 0 && plan.terms.notice !== 'validation')
        return { status: 'cancelled', reason: 'nothing_owed' };
      // The same notice for the same charges is already served and its period still runs (a
      // policy's draft approved after an agent's own request was served, say): serving it again
      // would give the tenant two deadlines for one debt.
      if (known.some((other) => runsFor(other, effect.key, plan.terms)))
        return { status: 'suppressed', reason: 'notice_already_served' };
      return { status: 'sent', payload: { ...plan.terms } };
    }
    case 'referral':
    case 'placement':
    case 'write_off':
    case 'credit_report':
      if (sev.balance_cents <= 0) return { status: 'cancelled', reason: 'cured' };
      // A referral stands on its notice: one cured or void since the approval refers nothing.
      if (effect.payload.after_notice !== undefined) {
        const gate = known.find((e) => e.key === effect.payload.after_notice);
        if (gate && gate.status !== 'sent')
          return { status: 'cancelled', reason: gate.status === 'cured' ? 'notice_cured' : NOTICE_VOID };
      }
      // One hand-off per debt: an agent's placement (or referral) already sent for this run of
      // arrears (since the oldest unpaid charge came due) makes the policy's own draft, approved
      // later, a second one the agency or the lawyer would get twice.
      if (
        (effect.type === 'placement' || effect.type === 'referral') &&
        sev.anchor_due_on &&
        known.some(
          (other) =>
            other.key !== effect.key &&
            other.type === effect.type &&
            other.status === 'sent' &&
            other.due_at >= sev.anchor_due_on!,
        )
      )
        return { status: 'suppressed', reason: effect.type === 'placement' ? 'already_placed' : 'already_referred' };
      // Checked again when it goes: a placement sent since the request made the agency the
      // collector, and Reg F's wait applies to what it furnishes.
      if (effect.type === 'credit_report' && creditFurnishingWait(facts, known))
        return { status: 'blocked', reason: 'credit_furnishing_wait', rule: ruleRef(CREDIT_FURNISHING_WAIT) };
      return { status: 'sent' };
    default:
      break;
  }
  // The one text confirming an opt-out answers the tenant's request, not the debt: it goes
  // whatever the balance, level or pause (the consent guard still allows it only once).
  const confirmation = effect.payload.purpose === 'opt_out_confirmation';
  if (automated && effect.payload.reminder !== true && !confirmation) {
    if (sev.balance_cents <= 0) return { status: 'suppressed', reason: 'paid' };
    const stepLevel = String(effect.payload.level ?? '');
    if (stepLevel && levelRank(policy, sev.level) < levelRank(policy, stepLevel))
      return { status: 'suppressed', reason: 'level_dropped' };
    const level = policy.levels.find((l) => l.id === stepLevel);
    if (level && !reachableLevel(level, sev)) return { status: 'suppressed', reason: 'level_dropped' };
    if (stop?.effect === 'pause') return { status: 'suppressed', reason: `hold_${stop.hold.kind}` };
  }
  if (CONTACTS.includes(effect.type)) {
    // The org or the policy may turn the Reg F guards on for first-party collection too.
    const regFForAll = facts.org.reg_f_for_all || policy.reg_f_for_all;
    const verdict = guard(effect, { ...facts, org: { ...facts.org, reg_f_for_all: regFForAll } }, now);
    if (!verdict.ok) {
      if (verdict.suppress)
        return { status: 'suppressed', reason: verdict.reason, ...(verdict.rule ? { rule: verdict.rule } : {}) };
      if (automated && verdict.retryAt)
        return {
          status: 'deferred',
          until: verdict.retryAt,
          reason: verdict.reason,
          ...(verdict.rule ? { rule: verdict.rule } : {}),
        };
      return { status: 'blocked', reason: verdict.reason, ...(verdict.rule ? { rule: verdict.rule } : {}) };
    }
  }
  return { status: 'sent' };
}

/** Whether `other` is a served notice of the same kind, still running, demanding all `terms` does. */
function runsFor(other: KnownEffect, key: string, terms: NoticeTerms): boolean {
  if (other.key === key || other.type !== 'notice' || other.status !== 'sent') return false;
  if (other.payload.notice !== terms.notice || String(other.payload.expires_on) < terms.served_on) return false;
  const demanded = (other.payload.charges as string[] | undefined) ?? [];
  return terms.charges.every((id) => demanded.includes(id));
}

/**
 * A promise, plan or manual hold entered after the policy's own legal step (a notice, referral,
 * placement, credit report) was drafted or approved pauses it like every automated step: a
 * landlord who just accepted a promise does not serve a pay-or-quit three hours later. It waits,
 * re-checked daily at the same local time, and goes on the day escalation resumes (the first
 * business day after a broken promise); a kept promise cures the debt and the step is cancelled
 * then. An agent's own request is a person's decision and is not held back.
 */
function pausedUntil(
  facts: LeaseFacts,
  now: Date,
  stop: ReturnType<typeof strongest>,
): Extract<DispatchOutcome, { status: 'deferred' }> | undefined {
  let release = releaseDay(facts.today, facts.holds, 'US', true);
  if (release === facts.today) {
    // A hold that covered yesterday (a promise broken overnight, a plan missed): escalation
    // resumes on the first business day after it, not on the Saturday after a Friday promise.
    const after = releaseDay(addCalendarDays(facts.today, -1), facts.holds, 'US', true);
    release = after === undefined ? businessDayFrom(facts.today, 'US') : after;
    if (release <= facts.today) return undefined;
  }
  const clock = wallClock(now, facts.property.timezone);
  const time = `${String(clock.hour).padStart(2, '0')}:${String(clock.minute).padStart(2, '0')}`;
  const day = release ?? addCalendarDays(facts.today, 1);
  return {
    status: 'deferred',
    until: zonedInstant(day, time, facts.property.timezone),
    reason: stop?.effect === 'pause' ? `hold_${stop.hold.kind}` : 'hold_resumes_next_business_day',
  };
}
