import crypto from 'node:crypto';
import type { HoldKind } from '@arrears/shared';
import type { Actor } from '../engine/facts.ts';
import { admitHold, admitRelease } from '../engine/hold-rules.ts';
import { admitDispute } from '../engine/holds.ts';
import { loadFacts } from './facts.ts';
import * as signals from './signals.ts';
import { canonicalJson } from '../json/canonical.ts';
import { addCalendarDays } from '../time/zoned.ts';

// Holds as the product records them — the hold row, its action, its CRM flag — whether an agent
// enters one through the API (http/routes/actions.ts) or a scenario does (simulate/run.ts).

/** A hold as a person enters it: a scenario's `hold` event, or the body of `POST /v1/leases/:id/holds`. */
export interface HoldEntry {
  id: string;
  kind: HoldKind;
  /** Who entered it (a user id of the org). */
  by: string;
  /** A backdated hold: the local day it took effect (default: the day it is entered). */
  from?: string;
  until?: string;
  promises?: { by: string; amount_cents: number }[];
  installments?: { by: string; amount_cents: number }[];
  amount_cents?: number;
  chapter?: 7 | 11 | 13;
  reason?: string;
}

/** What the CRM record shows while a hold is on, so agents see it before they pick up the phone. */
const CRM_HOLD_FLAGS: Partial<Record<string, string>> = {
  bankruptcy: 'Bankruptcy – stay',
  deceased: 'Deceased – do not contact',
  scra: 'SCRA – active duty',
  dispute: 'Dispute – undisputed amount only',
};

/**
 * A hold entered by a user: admitted by the hold rules (active, or waiting for a manager's
 * approval: a long payment plan), recorded once per id, flagged in the CRM while active.
 */
export async function enterHold(
  ctx: signals.SignalContext,
  event: HoldEntry,
  holdId: string,
  today: string,
): Promise<void> {
  const lease = ctx.leaseId;
  const schedule = event.promises ?? event.installments;
  const startsOn = event.from ?? today;
  if (event.kind === 'dispute' && !(await disputeAdmitted(ctx, event, holdId))) return;
  const admitted = admitHold({
    kind: event.kind,
    starts_on: startsOn,
    ...(event.until ? { until: event.until } : {}),
    ...(schedule ? { schedule } : {}),
  });
  const terms = {
    ...(event.promises ? { promises: event.promises } : {}),
    ...(event.installments ? { installments: event.installments } : {}),
    ...(event.amount_cents ? { amount_cents: event.amount_cents } : {}),
    ...(event.chapter ? { chapter: event.chapter } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
  };
  const created = await signals.insertHold(
    ctx,
    holdId,
    event.kind,
    admitted.status,
    startsOn,
    admitted.ends_on,
    terms,
    event.by,
  );
  if (!created) {
    await checkRedelivery(ctx, event, holdId, terms);
    return;
  }
  const flag = CRM_HOLD_FLAGS[event.kind];
  if (flag && admitted.status === 'active')
    await signals.recordEffect(ctx, `${lease}:hold:${event.id}:crm`, 'crm_update', 'scheduled', event.by, {
      template: 'hold-flag',
      flag,
      hold: holdId,
    });
  await signals.recordEffect(
    ctx,
    `${lease}:hold:${event.id}`,
    'hold',
    admitted.status === 'active' ? 'posted' : 'awaiting_approval',
    event.by,
    {
      hold: holdId,
      kind: event.kind,
      starts_on: startsOn,
      ends_on: admitted.ends_on,
      ...(admitted.status === 'awaiting_approval' ? { approver: 'manager', action: 'hold' } : {}),
    },
    { drafted_by: event.by, ...(admitted.reason ? { reason: admitted.reason } : {}) },
  );
}

/**
 * A dispute covers at most what is owed, and not yet disputed, when it is entered (engine/holds.ts
 * `admitDispute`); a larger one is refused as a blocked `hold` action, like any refused input, and
 * records no hold. Once per hold id: the refusal takes the key the hold would have had.
 */
async function disputeAdmitted(ctx: signals.SignalContext, event: HoldEntry, holdId: string): Promise<boolean> {
  const key = `${ctx.leaseId}:hold:${event.id}`;
  // The same hold delivered again: decided the first time (a recorded one is not re-admitted
  // against a balance it already covers).
  const earlier = await ctx.trx('effects').where({ org_id: ctx.orgId, key }).first('status');
  if (earlier) return earlier.status !== 'blocked';
  const facts = await loadFacts(ctx.trx, ctx.orgId, ctx.leaseId, ctx.now);
  const verdict = admitDispute(event.amount_cents ?? 0, facts);
  if (verdict.ok) return true;
  await signals.recordEffect(
    ctx,
    key,
    'hold',
    'blocked',
    event.by,
    { hold: holdId, kind: event.kind, amount_cents: event.amount_cents },
    { reason: verdict.reason, drafted_by: event.by },
  );
  return false;
}

/**
 * A hold lifted by a user: allowed by the hold rules (only counsel lifts a bankruptcy, with a
 * stay-relief order or a pre-petition judgment) or recorded as blocked with the reason. The hold
 * ends the day before the release.
 */
export async function releaseHold(
  ctx: signals.SignalContext,
  event: { hold: string; reason: string },
  holdId: string,
  actor: Actor,
  today: string,
): Promise<void> {
  const { trx, orgId, leaseId: lease, now } = ctx;
  const hold = await trx('holds').where({ org_id: orgId, id: holdId }).first();
  // A release timed before its hold (events are in any order) has nothing to lift yet.
  const verdict: ReturnType<typeof admitRelease> = hold
    ? admitRelease(hold, actor.role, event.reason)
    : { ok: false, reason: 'hold_not_recorded_yet' };
  // The actor is part of the key: a refused release and a permitted one at the same instant are two actions.
  const key = `${lease}:hold:${event.hold}:release:${actor.id}:${now.toISOString()}`;
  if (!verdict.ok) {
    await signals.recordEffect(
      ctx,
      key,
      'hold_release',
      'blocked',
      actor.id,
      { hold: holdId, ...(verdict.rule ? { rule: verdict.rule } : {}) },
      { reason: verdict.reason, drafted_by: actor.id },
    );
    return;
  }
  await trx('holds')
    .where({ org_id: orgId, id: holdId })
    .update({
      status: 'released',
      ends_on: addCalendarDays(today, -1) < hold.starts_on ? hold.starts_on : addCalendarDays(today, -1),
      closed_at: now,
      closed_by: actor.id,
      close_reason: event.reason,
    });
  await signals.recordEffect(
    ctx,
    key,
    'hold_release',
    'posted',
    actor.id,
    { hold: holdId, release_reason: event.reason },
    { drafted_by: actor.id },
  );
}

/** A manager's (or counsel's, an admin's) decision on a hold waiting for approval; never the drafter's. */
export async function decideHoldApproval(
  ctx: signals.SignalContext,
  key: string,
  event: { decision: 'approve' | 'reject'; reason?: string },
  actor: Actor,
): Promise<void> {
  const { trx, orgId, now } = ctx;
  const effect = await trx('effects').where({ org_id: orgId, key }).first();
  const holdId = effect.payload.hold as string;
  const blocked = (reason: string) =>
    signals.recordEffect(
      ctx,
      `${key}:approval:${actor.id}:${now.toISOString()}`,
      'approval',
      'blocked',
      actor.id,
      { target: key },
      { reason, drafted_by: actor.id },
    );
  if (effect.status !== 'awaiting_approval') return blocked('nothing_awaiting_approval');
  if (effect.drafted_by === actor.id) return blocked('drafter_cannot_approve');
  if (!['manager', 'counsel', 'admin'].includes(actor.role)) return blocked('role_not_permitted');
  const approved = event.decision === 'approve';
  await trx('holds')
    .where({ org_id: orgId, id: holdId })
    .update({ status: approved ? 'active' : 'rejected' });
  await trx('effects')
    .where({ org_id: orgId, key })
    .update({
      status: approved ? 'approved' : 'rejected',
      decided_by: actor.id,
      updated_at: now,
      ...(event.reason ? { reason: event.reason } : {}),
    });
  await signals.recordEffect(
    ctx,
    `${key}:decision`,
    'approval',
    approved ? 'approved' : 'rejected',
    actor.id,
    { target: key },
    { drafted_by: actor.id, ...(event.reason ? { reason: event.reason } : {}) },
  );
}

/**
 * A hold delivered again under its id: the same hold counts once (a webhook delivered three
 * times); one that says something else (another lease, kind, amount, date) is not applied and is shown
 * as a blocked `hold` action with reason `conflict`, naming the field, as a conflicting ledger
 * event is — never silently ignored. Once per distinct conflicting content.
 */
async function checkRedelivery(
  ctx: signals.SignalContext,
  event: HoldEntry,
  holdId: string,
  terms: Record<string, unknown>,
): Promise<void> {
  const recorded = await ctx
    .trx('holds')
    .where({ org_id: ctx.orgId, id: holdId })
    .first<
      { lease_id: string; kind: string; terms: Record<string, unknown>; ends_on: string | Date | null } | undefined
    >('lease_id', 'kind', 'terms', 'ends_on');
  if (!recorded) return;
  const day = (d: string | Date | null) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
  // Hold ids are unique per org: the same terms on another lease are still another hold.
  const field =
    recorded.lease_id !== ctx.leaseId
      ? 'lease_id'
      : recorded.kind !== event.kind
        ? 'kind'
        : canonicalJson(recorded.terms) !== canonicalJson(terms)
          ? Object.keys({ ...recorded.terms, ...terms }).find(
              (k) => canonicalJson(recorded.terms[k]) !== canonicalJson(terms[k]),
            )
          : event.until !== undefined && day(recorded.ends_on) !== event.until
            ? 'until'
            : undefined;
  if (!field) return;
  const content = crypto
    .createHash('sha256')
    .update(canonicalJson({ kind: event.kind, terms, until: event.until }))
    .digest('hex');
  await signals.recordEffect(
    ctx,
    `${ctx.leaseId}:hold:${event.id}:conflict:${content.slice(0, 12)}`,
    'hold',
    'blocked',
    event.by,
    { hold: holdId, kind: event.kind, field },
    { reason: 'conflict', drafted_by: event.by },
  );
}
