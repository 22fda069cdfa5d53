import type { NoticeKind, PolicyDocument, RequestAction } from '@arrears/shared';
import { addDays, businessDayFrom, instant, instantMs } from './days.ts';
import { asKnown, type EffectCommand, type NewEffect, type Update } from './effects.ts';
import { planSteps } from './plan-steps.ts';
import { upcomingStep, wakeOn } from './upcoming.ts';
import { scheduleValidationNotice } from './validation-notice.ts';
import { handleApproval, handleRequest } from './requests.ts';
import type { Actor, Hold, KnownEffect, LeaseFacts } from './facts.ts';
import { feeCapTasks, feeHeldOn, feeReversalsDue, lateFeesDue, nsfFeesDue } from './fees.ts';
import { revisitKept } from './hold-rules.ts';
import { activeHolds, holdOutcome, strongest } from './holds.ts';
import { KnownEffects } from './known.ts';
import { movedOut, POSSESSION_NOTICES } from './notices.ts';
import { reminderEffects } from './reminders.ts';
import { voidStayedNotices } from './stayed-notices.ts';
import { cureNotices } from './notice-cures.ts';
import { CURRENT, GRACE, levelRank, severity, type Severity } from './severity.ts';

export interface CaseState {
  case_id: string | null;
  cases_opened: number;
  level: string;
  days_past_due: number;
  balance_cents: number;
  anchor_due_on: string | null;
  /** Steps of the current anchor older than this day belong to a period the lease was not anchored on. */
  anchor_since: string | null;
  /**
   * The day the lease fell back: a case re-opened after a cure, or a returned payment re-opened
   * an older charge. Steps that came due meanwhile are released on this day, in order.
   */
  reopened_on?: string | null;
  /** The last local day the lease was evaluated. */
  evaluated_on?: string | null;
  /**
   * The first day of the current run of daily evaluations: the service was up from then on.
   * Only a step whose day came before it was missed while the service was down (catch-up).
   */
  up_since?: string | null;
}

export const INITIAL_STATE: CaseState = {
  case_id: null,
  cases_opened: 0,
  level: CURRENT,
  days_past_due: 0,
  balance_cents: 0,
  anchor_due_on: null,
  anchor_since: null,
};

interface Common {
  facts: LeaseFacts;
  /** The lease's action ledger so far. */
  known: readonly KnownEffect[];
}

export type EngineEvent =
  | (Common & { type: 'evaluate'; cause: string })
  | (Common & {
      type: 'request';
      request: { id: string; action: RequestAction; notice?: NoticeKind; channel?: string };
      actor: Actor;
    })
  | (Common & { type: 'approval'; target: string; decision: 'approve' | 'reject'; actor: Actor; reason?: string });

export interface Transition {
  from: string;
  to: string;
  days_past_due: number;
  balance_cents: number;
}

export interface Decision {
  next: CaseState;
  commands: EffectCommand[];
  transition: Transition | null;
  next_action: { type: string; on: string } | null;
  /**
   * The next local day on which this lease can change without any new input: tomorrow while
   * anything is open (a charge, a hold, a pending effect), else the next reminder day, else
   * never (null). The scheduled scan only needs to re-evaluate leases whose day has come.
   */
  wake_on: string | null;
}

/**
 * The engine: a pure function of the policy, the case, one event and the time. It derives the
 * level from the ledger, plans every step, fee and notice due by now with an idempotency key
 * (lease, step, anchor due date), and returns commands; it reads and writes nothing.
 */
export function decide(policy: PolicyDocument, state: CaseState, event: EngineEvent, now: Date): Decision {
  const commands: EffectCommand[] = [];
  const known = new KnownEffects(event.known);
  const tz = event.facts.property.timezone;
  const facts = withHoldOutcomes(event.facts, commands, now);
  const sev = severity(policy, facts);
  const next = advance(state, sev, facts.today);
  const transition =
    next.level !== state.level
      ? { from: state.level, to: next.level, days_past_due: sev.days_past_due, balance_cents: sev.balance_cents }
      : null;
  const create = (effect: NewEffect) => {
    if (known.has(effect.key)) return;
    known.add(asKnown(effect));
    commands.push({ op: 'create', effect: { ...effect, due_at: effect.due_at < now ? now : effect.due_at } });
  };
  const update = (
    key: string,
    status: Exclude<EffectCommand, { op: 'hold' } | { op: 'create' }>['status'],
    reason?: string,
    decided_by?: string,
    payload?: Record<string, unknown>,
  ) => {
    const effect = known.get(key);
    if (!effect || effect.status === status) return;
    known.set({ ...effect, status, reason: reason ?? null });
    commands.push({
      op: 'update',
      key,
      status,
      ...(reason ? { reason } : {}),
      ...(decided_by ? { decided_by } : {}),
      ...(payload ? { payload } : {}),
    });
  };
  const holds = facts.holds.length === 0 ? NO_HOLDS : activeHolds(facts, facts.today);
  const stop = holds.length === 0 ? null : strongest(holds);

  cureNotices(facts, known, update);
  voidStayedNotices(facts, known, update);
  if (movedOut(facts)) cancelPossession(known, update);
  if (transition && sev.level === CURRENT && state.level !== CURRENT) {
    create({
      key: `${facts.lease.id}:cure:${state.anchor_due_on ?? facts.today}:${now.toISOString()}`,
      type: 'cure',
      status: 'cured',
      due_at: now,
      payload: { from_level: state.level },
    });
    for (const effect of known.values())
      if (
        (effect.status === 'scheduled' || effect.status === 'awaiting_approval') &&
        effect.type !== 'late_fee' &&
        effect.type !== 'nsf_fee' &&
        // A fee reversal is owed to the tenant whatever the balance does.
        effect.type !== 'fee_reversal' &&
        !effect.request_id &&
        // A reminder for the next due date is not part of the delinquency that was cured.
        effect.payload.reminder !== true
      )
        update(effect.key, 'cancelled', 'cured');
  }

  const paused = (day: string) =>
    facts.holds.length > 0 && feeHeldOn(facts.holds, day, policy.late_fees.post_at, (d, t) => instantMs(d, t, tz));
  // Late fees posted for days a backdated hold now covers: credited back, once each. Before the
  // new fees below, so a period's cap counts what the tenant is still charged.
  for (const reversal of feeReversalsDue(facts, known))
    create({
      key: reversal.key,
      type: 'fee_reversal',
      status: 'scheduled',
      due_at: now,
      payload: {
        amount_cents: reversal.amount_cents,
        reverses: reversal.fee_key,
        on: reversal.on,
        ...(reversal.period_due_on ? { period_due_on: reversal.period_due_on } : {}),
        hold: reversal.hold.id,
        kind: reversal.hold.kind,
      },
    });
  // Fees already on record per rent period, summed once: the cap counts each fee once, and a
  // reversed fee not at all.
  let feesByPeriod: Map<string, number> | undefined;
  const postedFees = (period: string) => {
    if (!feesByPeriod) {
      const sums = (feesByPeriod = new Map());
      let reversed: Set<string> | undefined;
      if (known.mightSome((e) => e.type === 'fee_reversal')) {
        const keys = (reversed = new Set<string>());
        known.each(
          (e) => e.type === 'fee_reversal',
          (e) => keys.add(String(e.payload.reverses)),
        );
      }
      const fee = (e: KnownEffect) =>
        e.type === 'late_fee' &&
        (e.status === 'posted' || e.status === 'scheduled' || e.status === 'awaiting_approval') &&
        !reversed?.has(e.key);
      const add = (e: KnownEffect) => {
        const due = String(e.payload.period_due_on);
        sums.set(due, (sums.get(due) ?? 0) + Number(e.payload.amount_cents ?? 0));
      };
      // Sums of whole cents do not depend on the order they are added in; anything else is
      // added in the ledger's order, exactly as it always was.
      if (known.some((e) => fee(e) && !wholeCents(Number(e.payload.amount_cents ?? 0)))) {
        for (const e of known.values()) if (fee(e)) add(e);
      } else known.each(fee, add);
    }
    return feesByPeriod.get(period) ?? 0;
  };
  const lateFees = lateFeesDue(policy, facts, paused, postedFees, (key) => known.has(key));
  const nsfFees = nsfFeesDue(policy, facts);
  for (const task of feeCapTasks(facts, postedFees, now)) if (!known.has(task.key)) create(task);
  for (const fees of [lateFees, nsfFees])
    for (const fee of fees) {
      if (known.has(fee.key)) continue;
      const review = facts.org.fee_review || policy.late_fees.review;
      create({
        key: fee.key,
        type: fee.type,
        status: review ? 'awaiting_approval' : 'scheduled',
        due_at: instant(fee.on, policy.late_fees.post_at, tz),
        ...(fee.rule ? { rule: fee.rule } : {}),
        payload: {
          amount_cents: fee.amount_cents,
          on: fee.on,
          ...(fee.period_due_on ? { period_due_on: fee.period_due_on } : {}),
        },
      });
    }

  // An SCRA hold blocks legal steps only (planSteps holds them back): contact and fees continue.
  const planning = !stop || stop.effect === 'block_legal';
  if (event.type === 'evaluate' && sev.anchor_due_on && planning)
    planSteps(policy, facts, sev, next, known, create, holds, now);
  if (planning) for (const effect of reminderEffects(policy, facts)) create(effect);
  if (event.type === 'request') handleRequest(event, facts, sev, known, create, now);
  if (event.type === 'approval') handleApproval(event, facts, known, create, update, now);
  // Last: it looks at everything this decision scheduled.
  scheduleValidationNotice(facts, known, commands, create, now);

  const upcoming = upcomingStep(policy, facts, sev, known, stop);
  return {
    next: uptime(next, state, evaluatedDaily(facts, known)),
    commands,
    transition,
    next_action: upcoming ? { type: upcoming.step.action, on: upcoming.day } : null,
    // Only an `evaluate` plans the day's steps: a request or an approval decided before the day's
    // scan (one at 00:00) must not tell the scan the lease can wait until tomorrow, or that day's
    // steps slip a day. It asks to be looked at again today; that evaluation sets the real timer.
    wake_on: event.type === 'evaluate' ? wakeOn(policy, facts, known) : facts.today,
  };
}

/**
 * The evaluation record counts only while the lease is evaluated every day (something is open);
 * otherwise the scan may skip it and a skipped day must change nothing.
 */
/** Whether the scan evaluates this lease every day: something is open (wakeOn's first cases). */
function evaluatedDaily(facts: LeaseFacts, known: KnownEffects): boolean {
  if (facts.open_charges.length > 0) return true;
  if (facts.holds.some((h) => h.status === 'active' || h.status === 'awaiting_approval')) return true;
  return known.some((e) => e.status === 'scheduled' || e.status === 'awaiting_approval');
}

function uptime(next: CaseState, state: CaseState, daily: boolean): CaseState {
  if (daily) return next;
  return { ...next, evaluated_on: state.evaluated_on ?? null, up_since: state.up_since ?? null };
}

const NO_HOLDS: Hold[] = [];

/** An integer amount small enough that any sum of a ledger's worth of them is exact. */
const wholeCents = (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 40;

/** The first step still ahead whose key is not on record: `upcomingSteps(...).find(not known)`. */
function advance(state: CaseState, sev: Severity, today: string): CaseState {
  const delinquent = sev.level !== CURRENT && sev.level !== GRACE;
  let caseId = state.case_id;
  let opened = state.cases_opened;
  let reopenedOn = state.reopened_on ?? null;
  if (!caseId && delinquent) {
    if (opened > 0) reopenedOn = today;
    opened += 1;
    caseId = `${opened}`;
  }
  if (caseId && sev.level === CURRENT) caseId = null;
  // The anchor moving back (a returned payment re-opens an older charge) or a case re-opening
  // after a cure: that anchor's steps not yet handled are released today, in order. The anchor
  // moving forward (the oldest charge paid): steps of the new anchor older than today are not
  // this lease's history and are skipped.
  const back = state.anchor_due_on !== null && sev.anchor_due_on !== null && sev.anchor_due_on < state.anchor_due_on;
  if (back) reopenedOn = today;
  const anchorSince =
    sev.anchor_due_on === state.anchor_due_on
      ? state.anchor_since
      : state.anchor_due_on === null || back || reopenedOn === today
        ? sev.anchor_due_on
        : today;
  // Evaluated yesterday or earlier today: the service has been up; a longer gap is downtime.
  // (decide() keeps these only while the lease is evaluated daily, see `uptime`.)
  const last = state.evaluated_on ?? null;
  const upSince = last !== null && (last === today || addDays(last, 1) === today) ? (state.up_since ?? last) : today;
  return {
    case_id: caseId,
    cases_opened: opened,
    level: sev.level,
    days_past_due: sev.days_past_due,
    balance_cents: sev.balance_cents,
    anchor_due_on: sev.anchor_due_on,
    anchor_since: sev.anchor_due_on ? anchorSince : null,
    reopened_on: reopenedOn,
    evaluated_on: today,
    up_since: upSince,
  };
}

/** Applies dated hold outcomes (a broken promise, an expired manual hold) before anything else. */
function withHoldOutcomes(facts: LeaseFacts, commands: EffectCommand[], now: Date): LeaseFacts {
  if (facts.holds.length === 0) return facts;
  let changed = false;
  const holds: Hold[] = facts.holds.map((hold) => {
    // A kept promise is revisited when a payment that kept it is returned.
    const outcome = holdOutcome(hold, facts) ?? revisitKept(hold, facts);
    if (!outcome) return hold;
    changed = true;
    const endsOn = addDays(outcome.on, -1) < hold.starts_on ? hold.starts_on : addDays(outcome.on, -1);
    commands.push({ op: 'hold', id: hold.id, status: outcome.status, ends_on: endsOn, reason: outcome.reason });
    commands.push({
      op: 'create',
      effect: {
        key: `${facts.lease.id}:hold:${hold.id}:${outcome.status}`,
        type: `hold_${outcome.status}`,
        status: 'posted',
        due_at: now,
        reason: outcome.reason,
        payload: {
          hold: hold.id,
          kind: hold.kind,
          ...(outcome.status === 'kept' ? {} : { resumes_on: resumesOn(outcome.on, facts.today) }),
        },
      },
    });
    // Kept or broken now: no longer in force from this instant (a hold closed earlier keeps its own).
    return { ...hold, status: outcome.status, ends_on: endsOn, ended_at: hold.ended_at ?? now.toISOString() };
  });
  return changed ? { ...facts, holds } : facts;
}

/**
 * Escalation resumes on the first business day after a broken or expired hold, and never before
 * the day the engine learns of it: a plan broken by a payment returned two days after its
 * installment's date resumes today, the steps it held go out now.
 */
function resumesOn(on: string, today: string): string {
  const day = businessDayFrom(on, 'US');
  return day < today ? today : day;
}

/**
 * After move-out: a pending notice for possession, or a referral waiting on one, is cancelled
 * (`moved_out`); collecting what is still owed goes on.
 */
function cancelPossession(known: KnownEffects, update: Update): void {
  const possession = (notice: unknown) => POSSESSION_NOTICES.includes(notice as never);
  for (const effect of [...known.values()]) {
    if (effect.status !== 'scheduled' && effect.status !== 'awaiting_approval') continue;
    const gate = effect.payload.after_notice ? known.get(String(effect.payload.after_notice)) : undefined;
    if (possession(effect.payload.notice) || (gate && possession(gate.payload.notice)))
      update(effect.key, 'cancelled', 'moved_out');
  }
}

export { levelRank };
