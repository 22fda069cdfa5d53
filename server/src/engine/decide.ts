import type { NoticeKind, PolicyDocument, RequestAction } from '@arrears/shared';
import { TERMINAL_ACTIONS } from '@arrears/shared';
import { BANKRUPTCY_STAY_ACTIONS, CREDIT_FURNISHING_WAIT } from '../compliance/rules/federal-collection.ts';
import { DECEASED_SCRUB } from '../compliance/rules/federal-contact.ts';
import { ruleRef, type RuleRef } from '../compliance/rules/index.ts';
import { businessDayOnOrAfter } from '../compliance/calendar/index.ts';
import { addCalendarDays, localDate, zonedInstant } from '../time/zoned.ts';
import { asKnown, type EffectCommand, type NewEffect } from './effects.ts';
import type { Actor, Hold, KnownEffect, LeaseFacts } from './facts.ts';
import { lateFeesDue, nsfFeesDue } from './fees.ts';
import { activeHolds, holdOutcome, strongest } from './holds.ts';
import { LEGAL_NOTICES, planNotice } from './notices.ts';
import { reminderEffects, rentDueOn } from './reminders.ts';
import { CURRENT, GRACE, levelRank, severity, type Severity } from './severity.ts';
import { lateness, reachedSteps, releaseDay, upcomingSteps } from './steps.ts';

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

const CONTACT_ACTIONS: readonly string[] = ['email', 'sms', 'call', 'letter', 'certified_letter'];
const DAY_MS = 86_400_000;

/** The letter batch: notices approved before it are served the same day, later ones the next. */
const LETTER_BATCH = '17:00';

/**
 * The engine: a pure function of the policy, the case, one event and the time. It derives the
 * level from the ledger, plans every step, fee and notice due by now with an idempotency key
 * (lease, step, anchor due date), and returns commands; it reads and writes nothing.
 */
export function decide(policy: PolicyDocument, state: CaseState, event: EngineEvent, now: Date): Decision {
  const commands: EffectCommand[] = [];
  const known = new Map(event.known.map((e) => [e.key, e]));
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
    known.set(effect.key, asKnown(effect));
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
    known.set(key, { ...effect, status, reason: reason ?? null });
    commands.push({
      op: 'update',
      key,
      status,
      ...(reason ? { reason } : {}),
      ...(decided_by ? { decided_by } : {}),
      ...(payload ? { payload } : {}),
    });
  };
  const holds = activeHolds(facts, facts.today);
  const stop = strongest(holds);

  cureNotices(facts, known, update);
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
        ['scheduled', 'awaiting_approval'].includes(effect.status) &&
        effect.type !== 'late_fee' &&
        effect.type !== 'nsf_fee' &&
        !effect.request_id &&
        // A reminder for the next due date is not part of the delinquency that was cured.
        effect.payload.reminder !== true
      )
        update(effect.key, 'cancelled', 'cured');
  }

  const paused = (day: string) =>
    facts.holds.some((h) => {
      const kind = strongest([h])?.effect;
      if (kind !== 'pause' && kind !== 'stop_all') return false;
      if (h.status === 'awaiting_approval' || h.status === 'rejected') return false;
      return h.starts_on <= day && (h.ends_on === null ? h.status === 'active' : h.ends_on >= day);
    });
  const postedFees = (period: string) =>
    [...known.values()]
      .filter(
        (e) =>
          e.type === 'late_fee' &&
          e.payload.period_due_on === period &&
          ['posted', 'scheduled', 'awaiting_approval'].includes(e.status),
      )
      .reduce((sum, e) => sum + Number(e.payload.amount_cents ?? 0), 0);
  for (const fee of [
    ...lateFeesDue(policy, facts, paused, postedFees, (key) => known.has(key)),
    ...nsfFeesDue(policy, facts),
  ]) {
    if (known.has(fee.key)) continue;
    const review = facts.org.fee_review || policy.late_fees.review;
    create({
      key: fee.key,
      type: fee.type,
      status: review ? 'awaiting_approval' : 'scheduled',
      due_at: zonedInstant(fee.on, policy.late_fees.post_at, tz),
      ...(fee.rule ? { rule: fee.rule } : {}),
      payload: {
        amount_cents: fee.amount_cents,
        on: fee.on,
        ...(fee.period_due_on ? { period_due_on: fee.period_due_on } : {}),
      },
    });
  }

  if (event.type === 'evaluate' && sev.anchor_due_on && !stop)
    planSteps(policy, facts, sev, next, known, create, holds, now);
  if (!stop) for (const effect of reminderEffects(policy, facts)) create(effect);
  if (event.type === 'request') handleRequest(event, facts, sev, known, create, now);
  if (event.type === 'approval') handleApproval(event, facts, known, create, update, now);

  const upcoming = sev.anchor_due_on
    ? upcomingSteps(policy, facts, sev.anchor_due_on).find((s) => !known.has(s.key))
    : undefined;
  return {
    next,
    commands,
    transition,
    next_action: upcoming ? { type: upcoming.step.action, on: upcoming.day } : null,
    wake_on: wakeOn(policy, facts, known),
  };
}

function wakeOn(policy: PolicyDocument, facts: LeaseFacts, known: Map<string, KnownEffect>): string | null {
  const tomorrow = addCalendarDays(facts.today, 1);
  const pending = [...known.values()].some((e) => e.status === 'scheduled' || e.status === 'awaiting_approval');
  const heldOpen = facts.holds.some((h) => h.status === 'active' || h.status === 'awaiting_approval');
  if (facts.open_charges.length > 0 || pending || heldOpen) return tomorrow;
  const entry = facts.next_entry_on ?? null;
  if (policy.reminders.length === 0 || facts.lease.autopay || facts.lease.moved_out_on) return entry;
  const nextDue =
    rentDueOn(facts.today, facts.lease.due_day) > facts.today
      ? rentDueOn(facts.today, facts.lease.due_day)
      : rentDueOn(addCalendarDays(`${facts.today.slice(0, 7)}-28`, 7), facts.lease.due_day);
  const earliest = Math.max(...policy.reminders.map((r) => r.days_before_due));
  const day = addCalendarDays(nextDue, -earliest);
  const reminder = day > facts.today ? day : tomorrow;
  return entry !== null && entry < reminder ? entry : reminder;
}

const OFFSETS = new WeakMap<PolicyDocument, Map<string, number>>();

/** Each step's day by id; policies are immutable, so this is computed once per document. */
function stepOffsets(policy: PolicyDocument): Map<string, number> {
  let offsets = OFFSETS.get(policy);
  if (!offsets) {
    offsets = new Map(policy.levels.flatMap((l) => l.steps.map((st) => [st.id, st.day] as const)));
    OFFSETS.set(policy, offsets);
  }
  return offsets;
}

/**
 * The key a step's next attempt uses: its own key, or — when a cure cancelled every earlier
 * attempt before it reached anyone — the next `#n` suffix. Null when an attempt stands (sent,
 * pending, suppressed for a reason): a step never reaches the tenant twice.
 */
function armedKey(key: string, known: Map<string, KnownEffect>): string | null {
  for (let attempt = 1; ; attempt++) {
    const candidate = attempt === 1 ? key : `${key}#${attempt}`;
    const effect = known.get(candidate);
    if (!effect) return candidate;
    if (!(effect.status === 'cancelled' && effect.reason === 'cured')) return null;
  }
}

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
  return {
    case_id: caseId,
    cases_opened: opened,
    level: sev.level,
    days_past_due: sev.days_past_due,
    balance_cents: sev.balance_cents,
    anchor_due_on: sev.anchor_due_on,
    anchor_since: sev.anchor_due_on ? anchorSince : null,
    reopened_on: reopenedOn,
  };
}

/** Applies dated hold outcomes (a broken promise, an expired manual hold) before anything else. */
function withHoldOutcomes(facts: LeaseFacts, commands: EffectCommand[], now: Date): LeaseFacts {
  let changed = false;
  const holds: Hold[] = facts.holds.map((hold) => {
    const outcome = holdOutcome(hold, facts);
    if (!outcome) return hold;
    changed = true;
    const endsOn = addCalendarDays(outcome.on, -1) < hold.starts_on ? hold.starts_on : addCalendarDays(outcome.on, -1);
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
          ...(outcome.status === 'kept' ? {} : { resumes_on: businessDayOnOrAfter(outcome.on, 'US') }),
        },
      },
    });
    return { ...hold, status: outcome.status, ends_on: endsOn };
  });
  return changed ? { ...facts, holds } : facts;
}

type Create = (effect: NewEffect) => void;
type Update = (
  key: string,
  status: NewEffect['status'],
  reason?: string,
  decidedBy?: string,
  payload?: Record<string, unknown>,
) => void;

function cureNotices(facts: LeaseFacts, known: Map<string, KnownEffect>, update: Update): void {
  const open = new Set(facts.open_charges.map((c) => c.external_id));
  for (const effect of [...known.values()]) {
    if (effect.type !== 'notice' || effect.status !== 'sent') continue;
    const charges = (effect.payload.charges as string[] | undefined) ?? [];
    if (charges.length === 0 || charges.some((id) => open.has(id))) continue;
    update(effect.key, 'cured', 'demanded_amount_paid');
    for (const other of known.values())
      if (other.payload.after_notice === effect.key && ['scheduled', 'awaiting_approval'].includes(other.status))
        update(other.key, 'cancelled', 'notice_cured');
  }
}

function planSteps(
  policy: PolicyDocument,
  facts: LeaseFacts,
  sev: Severity,
  state: CaseState,
  known: Map<string, KnownEffect>,
  create: Create,
  holds: Hold[],
  now: Date,
): void {
  const anchor = sev.anchor_due_on!;
  const tz = facts.property.timezone;
  const blockLegal = holds.some((h) => h.kind === 'scra');
  // One day's group at a time: after downtime or a hold, steps go out in order, not in a burst.
  // A group already sent today (an earlier evaluation) counts: the next group waits a day.
  const offsets = stepOffsets(policy);
  // Today's bounds as ISO instants: comparing strings beats a zone lookup per known effect.
  const todayFrom = zonedInstant(facts.today, '00:00', tz).toISOString();
  const todayUntil = zonedInstant(addCalendarDays(facts.today, 1), '00:00', tz).toISOString();
  let firedDay: string | undefined;
  for (const effect of known.values())
    if (
      effect.step_id &&
      effect.anchor_due_on === anchor &&
      !effect.request_id &&
      effect.status !== 'suppressed' &&
      effect.due_at >= todayFrom &&
      effect.due_at < todayUntil
    ) {
      const offset = offsets.get(effect.step_id);
      const day = offset === undefined ? undefined : addCalendarDays(anchor, offset);
      if (day && (firedDay === undefined || day > firedDay)) firedDay = day;
    }
  for (const planned of reachedSteps(policy, facts, sev.level, anchor)) {
    if (planned.day > facts.today) continue;
    const key = armedKey(planned.key, known);
    if (key === null) continue;
    if (state.anchor_since && planned.day < state.anchor_since) continue;
    const { step } = planned;
    const legal =
      step.action === 'notice'
        ? LEGAL_NOTICES.includes(step.notice!)
        : TERMINAL_ACTIONS.includes(step.action) || step.action === 'placement' || step.action === 'credit_report';
    if (legal && blockLegal) continue;
    let release = releaseDay(planned.day, facts.holds, 'US');
    if (release !== undefined && state.reopened_on && release < state.reopened_on) release = state.reopened_on;
    if (release === undefined || release > facts.today) continue;
    const base = {
      key,
      step_id: step.id,
      anchor_due_on: anchor,
      payload: { level: planned.level, template: step.template ?? step.id } as Record<string, unknown>,
    };
    if (lateness(release, facts.today) > step.catch_up_days) {
      create({ ...base, type: step.action, status: 'suppressed', reason: 'missed_catch_up_window', due_at: now });
      continue;
    }
    if (firedDay !== undefined && planned.day !== firedDay) break;
    firedDay = planned.day;
    const dueAt = zonedInstant(facts.today, step.at, tz);
    // An agent reached the tenant on this channel in the last day: the automated step would
    // repeat it (Invoice Ninja #9312), so it is recorded as skipped instead.
    if (CONTACT_ACTIONS.includes(step.action)) {
      const recent = [...known.values()].find(
        (e) =>
          e.request_id &&
          e.type === step.action &&
          e.status === 'sent' &&
          dueAt.getTime() - Date.parse(e.due_at) < DAY_MS &&
          dueAt.getTime() >= Date.parse(e.due_at),
      );
      if (recent) {
        create({
          ...base,
          type: step.action,
          status: 'suppressed',
          reason: 'contacted_recently',
          due_at: dueAt,
          payload: { ...base.payload, after: recent.key },
        });
        continue;
      }
    }
    if (step.after_notice) {
      // Only a served, uncured notice gates a referral; a blocked or cured one never does.
      const notice = [...known.values()].find(
        (e) =>
          e.type === 'notice' &&
          e.payload.notice === step.after_notice &&
          e.anchor_due_on === anchor &&
          e.status === 'sent',
      );
      if (!notice) continue;
      create({
        ...base,
        type: 'approval_request',
        status: 'awaiting_approval',
        due_at: dueAt,
        payload: {
          ...base.payload,
          action: step.action,
          after_notice: notice.key,
          earliest_on: notice.payload.earliest_next_step_on,
          approver: step.approval ?? 'manager',
        },
      });
      continue;
    }
    if (step.action === 'notice') {
      const served = [...known.values()].find(
        (e) =>
          e.type === 'notice' &&
          e.payload.notice === step.notice &&
          e.anchor_due_on === anchor &&
          ['scheduled', 'sent', 'cured'].includes(e.status),
      );
      if (served) {
        create({
          ...base,
          type: 'notice',
          status: 'suppressed',
          reason: 'notice_already_served',
          due_at: dueAt,
          payload: { ...base.payload, notice: step.notice, served: served.key },
        });
        continue;
      }
      const plan = planNotice(step.notice!, facts, facts.today, step.channels, step.period_days);
      if (!plan.ok) {
        create({
          ...base,
          type: 'notice',
          status: 'blocked',
          reason: plan.reason,
          due_at: dueAt,
          payload: { ...base.payload, notice: step.notice },
        });
        continue;
      }
      if (plan.terms.amount_demanded_cents <= 0 && LEGAL_NOTICES.includes(step.notice!)) {
        // Only fees are past due and this notice may demand rent only (California): nothing to serve.
        create({
          ...base,
          type: 'notice',
          status: 'suppressed',
          reason: 'nothing_to_demand',
          due_at: dueAt,
          rule: plan.terms.rule,
          payload: { ...base.payload, notice: step.notice },
        });
        continue;
      }
      const gated = LEGAL_NOTICES.includes(step.notice!) || !plan.verified;
      create({
        ...base,
        type: gated ? 'approval_request' : 'notice',
        status: gated ? 'awaiting_approval' : 'scheduled',
        due_at: dueAt,
        rule: plan.terms.rule,
        payload: {
          ...base.payload,
          action: 'notice',
          notice: step.notice,
          ...(step.period_days !== undefined ? { period_days: step.period_days } : {}),
          channels: plan.terms.channels,
          approver: plan.verified ? (step.approval ?? 'manager') : 'counsel',
        },
      });
      continue;
    }
    const gated = ['referral', 'placement', 'write_off', 'credit_report'].includes(step.action);
    create({
      ...base,
      type: gated ? 'approval_request' : step.action,
      status: gated ? 'awaiting_approval' : 'scheduled',
      due_at: dueAt,
      payload: gated ? { ...base.payload, action: step.action, approver: step.approval ?? 'manager' } : base.payload,
    });
  }
}

function handleRequest(
  event: Extract<EngineEvent, { type: 'request' }>,
  facts: LeaseFacts,
  sev: Severity,
  known: Map<string, KnownEffect>,
  create: Create,
  now: Date,
): void {
  const { request, actor } = event;
  const key = `${facts.lease.id}:request:${request.id}`;
  const base = {
    key,
    request_id: request.id,
    drafted_by: actor.id,
    due_at: now,
    anchor_due_on: sev.anchor_due_on ?? undefined,
  };
  const stop = strongest(activeHolds(facts, facts.today));
  const contact = ['email', 'sms', 'call', 'letter', 'certified_letter'].includes(request.action);
  if (stop?.effect === 'stop_all') {
    const bankruptcy = stop.hold.kind === 'bankruptcy';
    const reason = bankruptcy ? 'bankruptcy_stay' : 'deceased';
    create({
      ...base,
      type: contact ? request.action : request.action === 'notice' ? 'notice' : request.action,
      status: 'blocked',
      reason,
      rule: ruleRef(bankruptcy ? BANKRUPTCY_STAY_ACTIONS : DECEASED_SCRUB),
      payload: { action: request.action },
    });
    return;
  }
  if (contact) {
    create({ ...base, type: request.action, status: 'scheduled', payload: { template: `agent-${request.action}` } });
    return;
  }
  const payload: Record<string, unknown> = { action: request.action, approver: 'manager' };
  if (request.action === 'notice') {
    const plan = planNotice(request.notice!, facts, facts.today, request.channel ? [request.channel] : undefined);
    if (!plan.ok) {
      create({
        ...base,
        type: 'notice',
        status: 'blocked',
        reason: plan.reason,
        payload: { notice: request.notice, channel: request.channel },
      });
      return;
    }
    // Informational notices (validation, rent not received) start no legal clock against the
    // tenant: they go out at once. Anything else waits for a second person.
    if (!LEGAL_NOTICES.includes(request.notice!) && plan.verified) {
      create({
        ...base,
        type: 'notice',
        status: 'scheduled',
        rule: plan.terms.rule,
        payload: { action: 'notice', notice: request.notice, channels: plan.terms.channels },
      });
      return;
    }
    create({
      ...base,
      type: 'approval_request',
      status: 'awaiting_approval',
      rule: plan.terms.rule,
      payload: {
        ...payload,
        notice: request.notice,
        channels: plan.terms.channels,
        approver: plan.verified ? 'manager' : 'counsel',
      },
    });
    return;
  }
  if (request.action === 'escalate') {
    const running = [...known.values()].find(
      (e) => e.type === 'notice' && e.status === 'sent' && String(e.payload.earliest_next_step_on) > facts.today,
    );
    if (running) {
      create({
        ...base,
        type: 'referral',
        status: 'blocked',
        reason: 'notice_period_running',
        ...(running.payload.rule ? { rule: running.payload.rule as RuleRef } : {}),
        payload: { notice_id: running.key, earliest_on: running.payload.earliest_next_step_on },
      });
      return;
    }
    create({
      ...base,
      type: 'approval_request',
      status: 'awaiting_approval',
      payload: { ...payload, action: 'referral' },
    });
    return;
  }
  if (request.action === 'credit_report') {
    const validation = [...known.values()].find(
      (e) => e.type === 'notice' && e.payload.notice === 'validation' && e.status === 'sent',
    );
    const earliest = validation
      ? addCalendarDays(String(validation.payload.served_on), CREDIT_FURNISHING_WAIT.params.wait_days)
      : undefined;
    if (facts.lease.collector !== 'first_party' && (!earliest || earliest > facts.today)) {
      create({
        ...base,
        type: 'credit_report',
        status: 'blocked',
        reason: 'credit_furnishing_wait',
        rule: ruleRef(CREDIT_FURNISHING_WAIT),
        payload: { earliest_on: earliest ?? null },
      });
      return;
    }
  }
  create({ ...base, type: 'approval_request', status: 'awaiting_approval', payload });
}

function handleApproval(
  event: Extract<EngineEvent, { type: 'approval' }>,
  facts: LeaseFacts,
  known: Map<string, KnownEffect>,
  create: Create,
  update: Update,
  now: Date,
): void {
  const target = known.get(event.target);
  const record = (reason: string) =>
    create({
      key: `${event.target}:approval:${event.actor.id}:${now.toISOString()}`,
      type: 'approval',
      status: 'blocked',
      reason,
      due_at: now,
      drafted_by: event.actor.id,
      ...(target?.request_id ? { request_id: target.request_id } : {}),
      payload: { target: event.target, decision: event.decision },
    });
  if (!target || target.status !== 'awaiting_approval') return record('nothing_awaiting_approval');
  if (target.drafted_by === event.actor.id) return record('drafter_cannot_approve');
  const approver = String(target.payload.approver ?? 'manager');
  const allowed = approver === 'counsel' ? ['counsel'] : ['manager', 'counsel', 'admin'];
  if (!allowed.includes(event.actor.role))
    return record(approver === 'counsel' ? 'counsel_approval_required' : 'role_not_permitted');
  if (event.decision === 'reject') {
    update(target.key, 'rejected', event.reason ?? 'rejected', event.actor.id);
    return;
  }
  if (target.type === 'late_fee' || target.type === 'nsf_fee') {
    // A reviewed fee goes back to the outbox: dispatch posts it after re-checking it is still owed.
    update(target.key, 'scheduled', undefined, event.actor.id);
    return;
  }
  update(target.key, 'approved', undefined, event.actor.id);
  if (target.type !== 'approval_request') return;
  const action = String(target.payload.action);
  const tz = facts.property.timezone;
  let dueAt = now;
  if (action === 'notice') {
    const batch = zonedInstant(facts.today, LETTER_BATCH, tz);
    dueAt = now <= batch ? batch : zonedInstant(addCalendarDays(localDate(now, tz), 1), '09:00', tz);
  }
  if (target.payload.earliest_on) {
    const earliest = zonedInstant(String(target.payload.earliest_on), '09:00', tz);
    if (earliest > dueAt) dueAt = earliest;
  }
  create({
    key: `${target.key}:${action}`,
    type: action,
    status: 'scheduled',
    due_at: dueAt,
    ...(target.step_id ? { step_id: target.step_id } : {}),
    ...(target.anchor_due_on ? { anchor_due_on: target.anchor_due_on } : {}),
    ...(target.request_id ? { request_id: target.request_id } : {}),
    drafted_by: target.drafted_by ?? 'policy',
    payload: { ...target.payload, approved_by: event.actor.id, approval: target.key },
  });
}

export { levelRank };
