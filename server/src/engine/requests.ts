import type { NoticeKind } from '@arrears/shared';
import {
  BANKRUPTCY_STAY_ACTIONS,
  CREDIT_FURNISHING_WAIT,
  SCRA_PROTECTIONS,
} from '../compliance/rules/federal-collection.ts';
import { DECEASED_SCRUB } from '../compliance/rules/federal-contact.ts';
import { ruleRef, type RuleRef } from '../compliance/rules/index.ts';
import { addCalendarDays, localDate, zonedInstant } from '../time/zoned.ts';
import type { EngineEvent } from './decide.ts';
import type { Create, Update } from './effects.ts';
import type { KnownEffect, LeaseFacts } from './facts.ts';
import type { KnownEffects } from './known.ts';
import { creditFurnishingWait } from './credit-furnishing.ts';
import { activeHolds, scraHold, strongest } from './holds.ts';
import { isLegalAction, LEGAL_NOTICES, movedOut, planNotice, POSSESSION_NOTICES } from './notices.ts';
import type { Severity } from './severity.ts';

/** The letter batch: notices approved before it are served the same day, later ones the next. */
const LETTER_BATCH = '17:00';

/** An agent's one-click action: a contact now, or a draft that waits for approval. */
export function handleRequest(
  event: Extract<EngineEvent, { type: 'request' }>,
  facts: LeaseFacts,
  sev: Severity,
  known: KnownEffects,
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
  const contact = ['email', 'sms', 'call', 'letter', 'certified_letter'].includes(request.action);
  const recorded = known.get(key);
  if (recorded) {
    // The same request again counts once; another one under its id is refused where the agent
    // sees it, never dropped (as a hold id re-sent with other terms is).
    if (sameRequest(recorded, request)) return;
    const asked = [request.action, request.notice, request.channel].filter(Boolean).join(':');
    create({
      ...base,
      key: `${key}:conflict:${asked}`,
      type: request.action === 'escalate' ? 'referral' : request.action,
      status: 'blocked',
      reason: 'conflict',
      payload: { action: request.action, ...(request.notice ? { notice: request.notice } : {}) },
    });
    return;
  }
  const stop = strongest(activeHolds(facts, facts.today));
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
  if (isLegalAction(request.action, request.notice) && scraHold(facts)) {
    // A servicemember's protections: legal steps, placement and credit reporting are refused.
    create({
      ...base,
      type: request.action === 'escalate' ? 'referral' : request.action,
      status: 'blocked',
      reason: 'hold_scra',
      rule: ruleRef(SCRA_PROTECTIONS),
      payload: { action: request.action, ...(request.notice ? { notice: request.notice } : {}) },
    });
    return;
  }
  if (request.action === 'notice' && POSSESSION_NOTICES.includes(request.notice!) && movedOut(facts)) {
    create({
      ...base,
      type: 'notice',
      status: 'blocked',
      reason: 'moved_out',
      payload: { notice: request.notice, channel: request.channel },
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
        ...(plan.rule ? { rule: plan.rule } : {}),
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
    const running = known.find(
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
    const wait = creditFurnishingWait(facts, known);
    if (wait) {
      create({
        ...base,
        type: 'credit_report',
        status: 'blocked',
        reason: 'credit_furnishing_wait',
        rule: ruleRef(CREDIT_FURNISHING_WAIT),
        payload: { earliest_on: wait.earliest_on },
      });
      return;
    }
  }
  create({ ...base, type: 'approval_request', status: 'awaiting_approval', payload });
}

/**
 * Whether the entry a request made records this request: its action (in the payload, or the
 * entry's type: a contact, a refused notice, referral or credit report), and for a notice which
 * one and, where the entry kept it, the channel.
 */
function sameRequest(effect: KnownEffect, request: Extract<EngineEvent, { type: 'request' }>['request']): boolean {
  const { action, notice, channel, channels } = effect.payload;
  const recorded =
    effect.type === 'approval_request' && action === 'referral'
      ? 'escalate'
      : typeof action === 'string'
        ? action
        : effect.type === 'referral'
          ? 'escalate'
          : effect.type;
  if (recorded !== request.action) return false;
  if (request.action !== 'notice') return true;
  if (typeof notice === 'string' && notice !== request.notice) return false;
  const onChannels = typeof channel === 'string' ? [channel] : Array.isArray(channels) ? channels : undefined;
  return !request.channel || !onChannels || (onChannels.length === 1 && onChannels[0] === request.channel);
}

/** A second person's decision on a draft: maker-checker, then what was approved is scheduled. */
export function handleApproval(
  event: Extract<EngineEvent, { type: 'approval' }>,
  facts: LeaseFacts,
  known: KnownEffects,
  create: Create,
  update: Update,
  now: Date,
): void {
  const target = known.get(event.target);
  const record = (reason: string) =>
    create({
      // An unknown target is a bare id (a request id two leases may share): the lease keeps the
      // refusals of two leases apart.
      key: `${target ? event.target : `${facts.lease.id}:${event.target}`}:approval:${event.actor.id}:${now.toISOString()}`,
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
  // Counsel must approve what an unverified rule governs; stopping it (a rejection) sends
  // nothing, so any approver may.
  const counselOnly = approver === 'counsel' && event.decision === 'approve';
  const allowed = counselOnly ? ['counsel'] : ['manager', 'counsel', 'admin'];
  if (!allowed.includes(event.actor.role))
    return record(counselOnly ? 'counsel_approval_required' : 'role_not_permitted');
  if (event.decision === 'reject') {
    update(target.key, 'rejected', event.reason ?? 'rejected', event.actor.id);
    return;
  }
  if (target.type === 'late_fee' || target.type === 'nsf_fee') {
    // A reviewed fee goes back to the outbox: dispatch posts it after re-checking it is still owed.
    update(target.key, 'scheduled', undefined, event.actor.id);
    return;
  }
  if (target.type !== 'approval_request') {
    update(target.key, 'approved', undefined, event.actor.id);
    return;
  }
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
  // Drafted under a verified rule, served under a version not yet verified (Texas SB 38 from
  // 2026-01-01): the rule of the service day decides who must approve. The draft waits for counsel.
  if (action === 'notice' && event.actor.role !== 'counsel' && servedUnderUnverifiedRule(target, facts, dueAt))
    return record('counsel_approval_required');
  update(target.key, 'approved', undefined, event.actor.id);
  create({
    key: `${target.key}:${action}`,
    type: action,
    status: 'scheduled',
    due_at: dueAt,
    ...(target.step_id ? { step_id: target.step_id } : {}),
    ...(target.anchor_due_on ? { anchor_due_on: target.anchor_due_on } : {}),
    ...(target.request_id ? { request_id: target.request_id } : {}),
    drafted_by: target.drafted_by ?? 'policy',
    payload: {
      ...target.payload,
      approved_by: event.actor.id,
      approved_by_role: event.actor.role,
      approval: target.key,
    },
  });
}

/** Whether a notice served at `servedAt` would be served under a rule version not yet verified. */
function servedUnderUnverifiedRule(target: KnownEffect, facts: LeaseFacts, servedAt: Date): boolean {
  const served = localDate(servedAt, facts.property.timezone);
  const plan = planNotice(
    target.payload.notice as NoticeKind,
    facts,
    served,
    target.payload.channels as string[] | undefined,
    target.payload.period_days as number | undefined,
  );
  return plan.ok && !plan.verified;
}
