import crypto from 'node:crypto';
import type { HoldKind } from '@arrears/shared';
import { appendAudit } from '../audit/append.ts';
import type { Trx } from '../db/database.ts';
import type { Actor } from '../engine/facts.ts';
import { addCalendarDays, localDate } from '../time/zoned.ts';
import type { EffectStatus } from '../engine/effects.ts';
import { applyCommands } from './evaluate.ts';

/**
 * The non-ledger triggers: a manager's flag, a status change from a CRM rule, an inbound reply,
 * a failed delivery, a phone conversation, a hold or its release. Each is recorded (case event
 * plus audit row) in the caller's org transaction; the caller then re-evaluates the lease.
 * Refusals are not errors: they become `blocked` actions with a reason.
 */

export interface SignalContext {
  trx: Trx;
  orgId: string;
  leaseId: string;
  now: Date;
  timezone: string;
}

/** The context for a lease's signals: its property's zone decides "today". Undefined: no such lease. */
export async function signalContext(
  trx: Trx,
  orgId: string,
  leaseId: string,
  now: Date,
): Promise<SignalContext | undefined> {
  const lease = await trx('leases as l')
    .join('properties as p', function joinProperty() {
      this.on('p.org_id', 'l.org_id').andOn('p.id', 'l.property_id');
    })
    .where({ 'l.org_id': orgId, 'l.id': leaseId })
    .first('p.timezone');
  return lease ? { trx, orgId, leaseId, now, timezone: lease.timezone } : undefined;
}

async function caseEvent(ctx: SignalContext, type: string, actor: string, data: Record<string, unknown>, key?: string) {
  await ensureTrack(ctx);
  await ctx
    .trx('case_events')
    .insert({
      org_id: ctx.orgId,
      case_id: ctx.leaseId,
      at: ctx.now,
      type,
      actor,
      data: JSON.stringify(data),
      idempotency_key: key ?? null,
    })
    .onConflict()
    .ignore();
  await appendAudit(ctx.trx, {
    orgId: ctx.orgId,
    at: ctx.now,
    actor,
    action: `case.${type}`,
    subjectType: 'lease',
    subjectId: ctx.leaseId,
    data,
  });
}

/** Case events hang off the lease's track row; make sure it exists before the first evaluation. */
async function ensureTrack(ctx: SignalContext): Promise<void> {
  await ctx
    .trx('cases')
    .insert({
      org_id: ctx.orgId,
      id: ctx.leaseId,
      lease_id: ctx.leaseId,
      status: 'closed',
      level: 'current',
      state: JSON.stringify(null),
      opened_at: ctx.now,
    })
    .onConflict(['org_id', 'id'])
    .ignore();
}

async function effect(
  ctx: SignalContext,
  key: string,
  type: string,
  status: EffectStatus,
  actor: string,
  payload: Record<string, unknown>,
  extra: { reason?: string; request_id?: string; drafted_by?: string } = {},
) {
  await applyCommands(
    ctx.trx,
    ctx.orgId,
    ctx.leaseId,
    null,
    [{ op: 'create', effect: { key, type, status, due_at: ctx.now, payload, ...extra } }],
    actor,
    ctx.now,
  );
}

/** Who may flag an account: property managers (and admins), as the seed's trigger says. */
export const FLAG_ROLES: readonly Actor['role'][] = ['manager', 'admin'];

/**
 * A manual flag: a case event and a CRM flag. Anyone else's is refused and recorded as a blocked
 * CRM flag (`role_not_permitted`), not applied; the HTTP route refuses it with 403 before.
 */
export async function recordFlag(ctx: SignalContext, actor: Actor, reason: string, via?: string): Promise<void> {
  if (!FLAG_ROLES.includes(actor.role)) {
    await effect(
      ctx,
      `${ctx.leaseId}:flag:${ctx.now.toISOString()}`,
      'crm_update',
      'blocked',
      actor.id,
      { template: 'manual-flag', flag: reason, by: actor.id },
      { reason: 'role_not_permitted' },
    );
    return;
  }
  // The same flag by the same person on the same day is one flag (a CRM workflow retried its call).
  const same = crypto.createHash('sha256').update(`${actor.id}\0${reason}`).digest('hex').slice(0, 12);
  const key = `${ctx.leaseId}:flag:${localDate(ctx.now, ctx.timezone)}:${same}`;
  if (await ctx.trx('effects').where({ org_id: ctx.orgId, key }).first('key')) return;
  await caseEvent(ctx, 'flag', actor.id, { reason, role: actor.role, ...(via ? { via } : {}) });
  await effect(ctx, key, 'crm_update', 'scheduled', actor.id, {
    template: 'manual-flag',
    flag: reason,
    by: actor.id,
  });
}

export async function recordStatus(
  ctx: SignalContext,
  status: 'grace_period' | 'at_risk' | 'current',
  actor: string,
): Promise<void> {
  // A status the lease already has changes nothing (a CRM workflow rule fires again, a retried call).
  const before = await ctx.trx('leases').where({ org_id: ctx.orgId, id: ctx.leaseId }).first('status');
  if (before?.status === status) return;
  await ctx.trx('leases').where({ org_id: ctx.orgId, id: ctx.leaseId }).update({ status });
  await caseEvent(ctx, 'status', actor, { status });
  if (status === 'at_risk')
    await effect(ctx, `${ctx.leaseId}:status:${status}:${ctx.now.toISOString()}`, 'task', 'scheduled', actor, {
      template: 'tenant-at-risk',
    });
}

export async function recordConversation(ctx: SignalContext, channel: string, actor: string): Promise<void> {
  await caseEvent(ctx, 'conversation', actor, { channel });
}

/**
 * Any other reply: a phone reply is a conversation (Reg F's seven days after a telephone
 * conversation count from it); a text or an email is read by a person, who gets a task with
 * it ("stop emailing me", "I lost my job" are requests only a person can honour).
 */
export async function recordReply(ctx: SignalContext, channel: string, body: string): Promise<void> {
  if (channel === 'call') {
    await recordConversation(ctx, 'call-reply', 'tenant');
    return;
  }
  await caseEvent(ctx, 'reply', 'tenant', { channel, body });
  await effect(ctx, `${ctx.leaseId}:reply:${ctx.now.toISOString()}`, 'task', 'scheduled', 'system:inbound', {
    template: 'tenant-replied',
    channel,
    body,
  });
}

/** The channels a reply revokes: a text STOP ends texts; a spoken "stop calling" ends calls. */
const REVOKES: Record<string, string> = { sms: 'sms', call: 'voice', email: 'email' };

export async function recordOptOut(ctx: SignalContext, channel: string, tenantIds: string[]): Promise<void> {
  for (const tenantId of tenantIds)
    await ctx
      .trx('tenant_consents')
      .insert({
        org_id: ctx.orgId,
        tenant_id: tenantId,
        channel: REVOKES[channel] ?? channel,
        granted: false,
        source: `revoked:${channel}-reply`,
        changed_at: ctx.now,
      })
      .onConflict(['org_id', 'tenant_id', 'channel'])
      .merge();
  await caseEvent(ctx, 'consent_revoked', 'tenant', { channel });
  if (channel === 'sms')
    await effect(
      ctx,
      `${ctx.leaseId}:opt-out-confirmation:${ctx.now.toISOString()}`,
      'sms',
      'scheduled',
      'system:consent',
      { template: 'opt-out-confirmation', purpose: 'opt_out_confirmation', opt_out_at: ctx.now.toISOString() },
    );
}

export async function recordHelpRequest(ctx: SignalContext, channel: string, body: string): Promise<void> {
  await caseEvent(ctx, 'help_requested', 'tenant', { channel, body });
  await effect(ctx, `${ctx.leaseId}:help:${ctx.now.toISOString()}`, 'task', 'scheduled', 'system:inbound', {
    template: 'tenant-asked-for-help',
    body,
  });
  // Automation pauses while a person answers: a manual hold for a week, released by any agent.
  const today = localDate(ctx.now, ctx.timezone);
  // Hold ids are unique per org: the lease is part of it, or two tenants asking for help at the
  // same instant would share one hold and the second lease would never pause.
  await insertHold(
    ctx,
    `${ctx.leaseId}:help:${ctx.now.toISOString()}`,
    'manual',
    'active',
    today,
    addCalendarDays(today, 7),
    { reason: 'tenant_asked_for_help' },
    'system:inbound',
  );
}

/**
 * The next channel after a failed delivery. A failed letter has nowhere to go but an agent; a
 * failed certified letter falls back to first-class mail.
 */
export const FALLBACK_CHANNEL: Readonly<Record<string, string | undefined>> = {
  email: 'letter',
  sms: 'email',
  call: 'sms',
  letter: undefined,
  certified_letter: 'letter',
};

/**
 * A delivery failed (a bounce, an undeliverable text, a provider refusal): the case records it
 * and the same step goes out once on the next channel. The fallback's key derives from the
 * failed effect's, so a second failure report for it changes nothing.
 */
export async function recordDeliveryFailure(
  ctx: SignalContext,
  channel: string,
  fallback: string | undefined = FALLBACK_CHANNEL[channel],
  failed?: { key: string; reason?: string },
): Promise<void> {
  const last = failed
    ? await ctx.trx('effects').where({ org_id: ctx.orgId, key: failed.key }).first('key', 'payload', 'request_id')
    : await ctx
        .trx('effects')
        .where({ org_id: ctx.orgId, lease_id: ctx.leaseId, type: channel, status: 'sent' })
        .orderBy('seq', 'desc')
        .first('key', 'payload', 'request_id');
  await caseEvent(
    ctx,
    'delivery_failed',
    'system:provider',
    { channel, effect: last?.key ?? null, ...(failed?.reason ? { reason: failed.reason } : {}) },
    last ? `delivery_failed:${last.key}` : undefined,
  );
  // The one opt-out confirmation is a text or nothing (47 CFR 64.1200(a)(12)): it never moves to
  // email, where it would be a second message the tenant did not ask for.
  if (last?.payload?.purpose === 'opt_out_confirmation') return;
  if (last && fallback)
    await effect(
      ctx,
      `${last.key}:fallback:${fallback}`,
      fallback,
      'scheduled',
      'system:provider',
      {
        ...last.payload,
        delivery: undefined,
        recipients: undefined,
        fallback_for: last.key,
      },
      // An agent's contact that failed is still that agent's request on its next channel.
      last.request_id ? { request_id: last.request_id as string } : {},
    );
  // Returned mail has nowhere else to go: an agent checks the address (once per failed letter).
  else if (last)
    await effect(ctx, `${last.key}:undeliverable`, 'task', 'scheduled', 'system:provider', {
      template: 'delivery-failed',
      channel,
      failed: last.key,
    });
}

export async function insertHold(
  ctx: SignalContext,
  id: string,
  kind: HoldKind,
  status: 'active' | 'awaiting_approval',
  startsOn: string,
  endsOn: string | null,
  terms: Record<string, unknown>,
  by: string,
): Promise<boolean> {
  const inserted = await ctx
    .trx('holds')
    .insert({
      org_id: ctx.orgId,
      id,
      lease_id: ctx.leaseId,
      kind,
      status,
      starts_on: startsOn,
      ends_on: endsOn,
      terms: JSON.stringify(terms),
      created_by: by,
      created_at: ctx.now,
    })
    .onConflict(['org_id', 'id'])
    .ignore()
    .returning('id');
  if (inserted.length === 0) return false;
  await appendAudit(ctx.trx, {
    orgId: ctx.orgId,
    at: ctx.now,
    actor: by,
    action: `hold.${status === 'active' ? 'recorded' : 'drafted'}`,
    subjectType: 'hold',
    subjectId: id,
    data: { kind, starts_on: startsOn, ends_on: endsOn, ...terms },
  });
  return true;
}

export { effect as recordEffect };
