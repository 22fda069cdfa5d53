import crypto from 'node:crypto';
import type { Database, Trx } from '../db/database.ts';
import { appendAudit } from '../audit/append.ts';
import { dispatchDecision, type ContactGuard } from '../engine/dispatch.ts';
import { recipientsFor } from '../engine/recipients.ts';
import type { KnownEffect } from '../engine/facts.ts';
import { ingestChunk } from '../ledger/ingest.ts';
import { localDate } from '../time/zoned.ts';
import { loadLeaseContext, toKnownEffect } from './facts.ts';
import { changesTheDecision } from './follow-up.ts';
import { forgetAheadRow, takeAheadRow, takeReadAhead } from './read-ahead.ts';
import { loadPolicy } from './policies.ts';
import { orgPolicyFor } from '../orgs/settings.ts';
import { consolidatedReminders, type Consolidated } from './consolidate.ts';
import { paymentLink, renderContact } from '../templates/render.ts';
import { cardsFor, outboundFor, type Outbound } from './delivery.ts';
import { completeSend } from './send.ts';
import { noteWork } from '../db/outbox.ts';
import type { EffectUpdate } from './effect-updates.ts';
import type { Ports } from '../ports/index.ts';

/** What reaches a person outside the org, so its exact text is rendered, hashed and kept. */
const RENDERED = new Set(['email', 'sms', 'call', 'letter', 'certified_letter', 'notice', 'receipt']);
/** Internal records that still go through a port: the CRM flag and the agent's task. */
const RECORDS = new Set(['crm_update', 'task']);

export interface DispatchScope {
  db: Database;
  orgId: string;
  guard: ContactGuard;
  /** Where each channel goes out; the sandbox without credentials. */
  ports: Ports;
}

export interface Dispatched {
  key: string;
  lease_id: string;
  type: string;
  status: string;
  /** Other leases whose reminders this message carried (consolidate.ts): they changed too. */
  consolidated_leases?: string[];
}

/** Scheduled effects due by `now`, oldest first: what the dispatcher (or simulate) works through. */
export async function dueEffects(db: Database, orgId: string, now: Date): Promise<{ key: string; due_at: Date }[]> {
  return db.withOrg(orgId, (trx) =>
    trx('effects')
      .where({ org_id: orgId, status: 'scheduled' })
      .andWhere('due_at', '<=', now)
      .orderBy([{ column: 'due_at' }, { column: 'seq' }])
      .select('key', 'due_at'),
  );
}

/** The scheduled effect due first (due or not yet), if any: what simulate's clock runs to next. */
export async function earliestScheduledEffect(
  db: Database,
  orgId: string,
): Promise<{ key: string; due_at: Date } | undefined> {
  return db.withOrg(orgId, (trx) =>
    trx('effects')
      .where({ org_id: orgId, status: 'scheduled' })
      .orderBy([{ column: 'due_at' }, { column: 'seq' }])
      .first('key', 'due_at'),
  );
}

/**
 * Sends (or posts, or refuses) one effect, re-checking everything at this instant. The row is
 * locked and must still be `scheduled`, so a retry, a crash replay or a second worker finds it
 * done and does nothing: a step never reaches the tenant twice.
 *
 * Sandbox ports record inside this transaction, so "sent" and the record commit together.
 * A real provider is called after the row is committed as `sending` (escalation/send.ts): a
 * crash between the two leaves `sending`, which is reconciled, never re-sent blindly.
 */
export async function dispatchEffect(scope: DispatchScope, key: string, now: Date): Promise<Dispatched | null> {
  const first = await scope.db.withOrg(scope.orgId, (trx) => prepareDispatch(trx, scope, key, now));
  return finishDispatch(scope, first, now);
}

/**
 * What a dispatch decided inside its transaction: the outcome, and the provider call still to
 * make once that transaction has committed the effect as `sending` (real providers only).
 */
export interface PreparedDispatch {
  done: Dispatched;
  pending?: Outbound;
}

/** After the transaction of `prepareDispatch` committed: the provider call, if one is pending. */
export async function finishDispatch(
  scope: DispatchScope,
  first: PreparedDispatch | null,
  now: Date,
): Promise<Dispatched | null> {
  if (!first) return null;
  if (!first.pending) return first.done;
  return completeSend(scope, first.done, first.pending, now);
}

/**
 * The transactional half of `dispatchEffect`, inside the caller's transaction (of
 * `scope.orgId`): the runner dispatches a batch of effects in one transaction, so their
 * writes share one COMMIT; `finishDispatch` runs after it.
 */
export async function prepareDispatch(
  trx: Trx,
  scope: DispatchScope,
  key: string,
  now: Date,
): Promise<PreparedDispatch | null> {
  const prepared = await dispatchIn(trx, scope, key, now, false);
  if (prepared === THROUGH_A_JOB) throw new Error('unreachable: only an inline dispatch declines');
  return prepared;
}

/** An inline dispatch that must go through its job instead (dispatch-batch.ts, `dispatchDueIn`). */
export const THROUGH_A_JOB = Symbol('through a job');

/**
 * One effect's dispatch in the caller's transaction: `prepareDispatch`, and the batch paths of
 * dispatch-batch.ts, which may ask it to decline effects for real providers (`inline`) and to
 * hold the effect row's change back for one statement per batch (`updates`).
 */
export async function dispatchIn(
  trx: Trx,
  scope: DispatchScope,
  key: string,
  now: Date,
  inline: boolean,
  /** Where the effect row's change goes when it is written with its batch's, not here. */
  updates?: EffectUpdate[],
): Promise<PreparedDispatch | null | typeof THROUGH_A_JOB> {
  const { db, orgId } = scope;
  // Locked by this transaction either way: read ahead with its batch, or here.
  const row =
    takeAheadRow(trx, key, now) ??
    (await trx('effects').where({ org_id: orgId, key }).forUpdate().skipLocked().first());
  if (!row || row.status !== 'scheduled') return null;
  if (new Date(row.due_at).getTime() > now.getTime()) {
    // Early (a job run ahead of its instant, a worker whose clock lags): not yet; a new job
    // later (the row lock and status make any extra one harmless).
    // The queue's clock is the database's (wall time), not the injected one: wait out what
    // this worker sees as remaining, at least a second, so a lagging clock cannot spin.
    const wait = Math.max(1000, new Date(row.due_at).getTime() - now.getTime());
    noteWork(trx, { kind: 'dispatch', orgId, key, at: new Date(Date.now() + wait), retry: true });
    return { done: { key, lease_id: row.lease_id, type: row.type, status: 'not_due' } };
  }
  const effect: KnownEffect = toKnownEffect(row);
  // The lease's context may have been read ahead for the batch (once: a second effect of the
  // lease reads afresh and sees what the first one wrote).
  const { facts, known, track, orgSettings, cards } =
    takeReadAhead(trx, row.lease_id, now) ?? (await loadLeaseContext(trx, orgId, row.lease_id, now));
  // A lease that never had a case (a flag, a status change) dispatches under the policy its
  // first case would pin.
  const pin = track?.policy_id
    ? { id: track.policy_id, version: track.policy_version ?? undefined }
    : orgPolicyFor(facts.lease.kind, orgSettings);
  const policy = await loadPolicy(trx, orgId, pin.id, pin.version);
  const outcome = dispatchDecision(policy.document, effect, facts, now, scope.guard, known);
  const audit = (action: string, data: Record<string, unknown>, subjectId = key) =>
    appendAudit(trx, {
      orgId,
      at: now,
      actor: 'system:dispatcher',
      action,
      subjectType: 'effect',
      subjectId,
      data,
    });
  // Consolidation reads other leases' effect rows, so an org that consolidates writes at once.
  const holdBack = updates && !facts.org.consolidate_contacts ? updates : undefined;
  if (outcome.status === 'deferred') {
    const change = { due_at: outcome.until, attempts: row.attempts + 1, updated_at: now };
    if (holdBack) holdBack.push({ key, ...change });
    else await trx('effects').where({ org_id: orgId, key }).update(change);
    noteWork(trx, { kind: 'dispatch', orgId, key, at: outcome.until });
    await audit('effect.deferred', {
      reason: outcome.reason,
      until: outcome.until.toISOString(),
      ...(outcome.rule ? { rule: outcome.rule } : {}),
    });
    return { done: { key, lease_id: row.lease_id, type: row.type, status: 'deferred' } };
  }
  let payload: Record<string, unknown> = {};
  let status: string = outcome.status;
  let consolidated: Consolidated[] = [];
  let pending: Outbound | undefined;
  if (outcome.status === 'posted' && row.type === 'fee_reversal') {
    // The ledger is append-only: a late fee a backdated hold covers is taken back by a credit
    // of exactly its amount, keyed by this effect, which allocates like any other credit.
    const today = localDate(now, facts.property.timezone);
    const p = row.payload as { amount_cents: number; reverses: string; on: string; hold: string; kind: string };
    const result = await ingestChunk(trx, db, { orgId, source: 'arrears', actor: 'system:engine', now }, [
      {
        row: 1,
        value: {
          kind: 'credit',
          lease_id: row.lease_id,
          external_id: key,
          amount_cents: Number(p.amount_cents),
          effective_on: today,
          memo: `late fee ${p.reverses} (${p.on}) reversed: hold ${p.hold} (${p.kind}) covers that day`,
        },
      },
    ]);
    if (result.rejected.length > 0) throw new Error(`fee reversal ${key} rejected: ${result.rejected[0]!.message}`);
    payload = { posted_on: today };
  } else if (outcome.status === 'posted') {
    const today = localDate(now, facts.property.timezone);
    // A percent fee a dispute entered since its draft partly covers posts on the rest (fees.ts).
    const amount = Number(outcome.payload?.amount_cents ?? row.payload.amount_cents);
    const result = await ingestChunk(trx, db, { orgId, source: 'arrears', actor: 'system:engine', now }, [
      {
        row: 1,
        value: {
          kind: 'charge',
          lease_id: row.lease_id,
          external_id: key,
          charge_type: row.type,
          amount_cents: amount,
          effective_on: today,
          due_on: today,
        },
      },
    ]);
    if (result.rejected.length > 0) throw new Error(`fee ${key} rejected: ${result.rejected[0]!.message}`);
    payload = { ...(outcome.payload ?? {}), posted_on: today };
  }
  if (outcome.status === 'sent' && (RENDERED.has(row.type) || RECORDS.has(row.type))) {
    payload = { ...(outcome.payload ?? {}) };
    const channels = (effect.payload.channels as string[] | undefined) ?? [row.type];
    if (channels.includes('certified_letter'))
      // The sandbox mail provider's tracking number: stable per effect, so reruns match.
      payload.tracking_number = `9407${BigInt(`0x${crypto.createHash('sha256').update(key).digest('hex').slice(0, 15)}`)
        .toString()
        .padStart(18, '0')
        .slice(0, 18)}`;
    const recipients = RENDERED.has(row.type) ? recipientsFor(row.type, facts.tenants) : [];
    if (RENDERED.has(row.type)) payload.recipients = recipients;
    if (facts.org.consolidate_contacts && effect.request_id === null)
      consolidated = await consolidatedReminders(trx, scope, row, recipients, now);
    if (consolidated.length > 0) payload.consolidated = consolidated.map((c) => c.effect.key);
    const addressed = cardsFor(cards, recipients);
    const rendered = renderContact({
      effect: { ...effect, payload: { ...effect.payload, ...payload } },
      facts,
      recipients: addressed,
      others: consolidated,
    });
    const outbound = outboundFor(scope.ports, {
      orgId,
      effect,
      leaseId: row.lease_id,
      rendered,
      cards: addressed,
      paymentLink: paymentLink(facts),
      balanceCents: facts.balance_cents,
    });
    if (outbound) {
      const { port, message } = outbound;
      payload.delivery = {
        provider: port.provider,
        content_sha256: rendered.content_sha256,
        language: rendered.language,
        ...(rendered.language_requested ? { language_requested: rendered.language_requested } : {}),
        subject: rendered.subject,
        body: rendered.body,
      };
      if (port.inTransaction) {
        const delivery = await port.send(message, { now, trx });
        payload.delivery = { ...(payload.delivery as object), provider_message_id: delivery.provider_message_id };
      } else if (inline) {
        // Nothing is written for this effect yet (the rows other reminders' consolidation locked
        // stay as they are): its job sends it, committed as `sending` first.
        return THROUGH_A_JOB;
      } else {
        status = 'sending';
        pending = outbound;
      }
    }
  }
  if (outcome.status === 'sent' && row.type === 'write_off' && facts.balance_cents > 0) {
    // An approved write-off closes the balance in the ledger, so the engine sees the cure.
    const today = localDate(now, facts.property.timezone);
    await ingestChunk(trx, db, { orgId, source: 'arrears', actor: 'system:engine', now }, [
      {
        row: 1,
        value: {
          kind: 'write_off',
          lease_id: row.lease_id,
          external_id: key,
          amount_cents: facts.balance_cents,
          effective_on: today,
        },
      },
    ]);
    payload = { ...payload, amount_cents: facts.balance_cents };
  }
  if (outcome.status === 'sent' && row.type === 'placement')
    // Placed with an agency: from now on a third party collects, and Reg F binds every contact.
    await trx('leases').where({ org_id: orgId, id: row.lease_id }).update({ collector: 'agency' });
  if (outcome.status === 'sent' && row.type === 'remove_cares_flag')
    // Approved by a manager (maker-checker); the property keeps its flag for other leases.
    await trx('leases')
      .where({ org_id: orgId, id: row.lease_id })
      .update({ cares_flag_removed_on: localDate(now, facts.property.timezone) });
  const delivery = payload.delivery as { provider: string; provider_message_id?: string } | undefined;
  const reason = 'reason' in outcome ? { reason: outcome.reason } : {};
  const rule = 'rule' in outcome && outcome.rule ? outcome.rule : undefined;
  const delivered = delivery
    ? { provider: delivery.provider, provider_message_id: delivery.provider_message_id ?? null }
    : {};
  if (holdBack)
    holdBack.push({
      key,
      status,
      attempts: row.attempts + 1,
      updated_at: now,
      payload,
      ...(delivery ? { delivered: true, ...delivered } : {}),
      ...reason,
      ...(rule ? { rule } : {}),
    });
  else
    await trx('effects')
      .where({ org_id: orgId, key })
      .update({
        status,
        attempts: row.attempts + 1,
        updated_at: now,
        payload: trx.raw('payload || ?::jsonb', [JSON.stringify(payload)]),
        ...delivered,
        ...reason,
        ...(rule ? { rule: JSON.stringify(rule) } : {}),
      });
  await audit(`effect.${status}`, {
    type: row.type,
    ...(row.type === 'fee_reversal'
      ? { amount_cents: row.payload.amount_cents, reverses: row.payload.reverses, hold: row.payload.hold }
      : {}),
    ...('reason' in outcome ? { reason: outcome.reason } : {}),
    ...('rule' in outcome && outcome.rule ? { rule: outcome.rule } : {}),
    ...(delivery ? { provider: delivery.provider } : {}),
    ...(payload.delivery ? { content_sha256: (payload.delivery as { content_sha256: string }).content_sha256 } : {}),
  });
  // The other leases' reminders this message carried: done, each pointing at it.
  for (const other of consolidated) {
    forgetAheadRow(trx, other.effect.key);
    await trx('effects')
      .where({ org_id: orgId, key: other.effect.key })
      .update({
        status: 'suppressed',
        reason: 'consolidated',
        attempts: trx.raw('attempts + 1'),
        updated_at: now,
        payload: trx.raw('payload || ?::jsonb', [
          JSON.stringify({ consolidated_into: key, recipients: payload.recipients }),
        ]),
      });
    await audit(
      'effect.suppressed',
      {
        type: other.effect.type,
        reason: 'consolidated',
        consolidated_into: key,
        ...(payload.delivery
          ? { content_sha256: (payload.delivery as { content_sha256: string }).content_sha256 }
          : {}),
      },
      other.effect.key,
    );
    noteWork(trx, { kind: 'evaluate', orgId, leaseId: other.leaseId, cause: 'dispatch' });
  }
  // What happened may change what the engine sees (a fee posted, a notice served): look again.
  if (!pending && changesTheDecision(row.type, status))
    noteWork(trx, { kind: 'evaluate', orgId, leaseId: row.lease_id, cause: 'dispatch' });
  return {
    done: {
      key,
      lease_id: row.lease_id,
      type: row.type,
      status,
      ...(consolidated.length > 0 ? { consolidated_leases: consolidated.map((c) => c.leaseId) } : {}),
    },
    pending,
  };
}
