import crypto from 'node:crypto';
import type { Database } from '../db/database.ts';
import { appendAudit } from '../audit/append.ts';
import { dispatchDecision, type ContactGuard } from '../engine/dispatch.ts';
import { recipientsFor } from '../engine/recipients.ts';
import type { KnownEffect } from '../engine/facts.ts';
import { ingestChunk } from '../ledger/ingest.ts';
import { localDate } from '../time/zoned.ts';
import { loadFacts, toKnownEffect } from './facts.ts';
import { loadPolicy } from './policies.ts';
import { renderContact } from './render.ts';

/** What reaches a person outside the org, so its exact text is rendered, hashed and kept. */
const RENDERED = new Set(['email', 'sms', 'call', 'letter', 'certified_letter', 'notice', 'receipt']);

export interface DispatchScope {
  db: Database;
  orgId: string;
  guard: ContactGuard;
  paymentLinkBase: string;
}

export interface Dispatched {
  key: string;
  lease_id: string;
  type: string;
  status: string;
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

/**
 * Sends (or posts, or refuses) one effect, re-checking everything at this instant. The row is
 * locked and must still be `scheduled`, so a retry, a crash replay or a second worker finds it
 * done and does nothing: a step never reaches the tenant twice.
 */
export async function dispatchEffect(scope: DispatchScope, key: string, now: Date): Promise<Dispatched | null> {
  const { db, orgId } = scope;
  return db.withOrg(orgId, async (trx) => {
    const row = await trx('effects').where({ org_id: orgId, key }).forUpdate().skipLocked().first();
    if (!row || row.status !== 'scheduled') return null;
    const effect: KnownEffect = toKnownEffect(row);
    const facts = await loadFacts(trx, orgId, row.lease_id, now);
    const track = await trx('cases').where({ org_id: orgId, id: row.lease_id }).first('policy_id', 'policy_version');
    const policy = await loadPolicy(trx, orgId, track?.policy_id ?? 'default-residential', track?.policy_version);
    const outcome = dispatchDecision(policy.document, effect, facts, now, scope.guard);
    const audit = (action: string, data: Record<string, unknown>) =>
      appendAudit(trx, {
        orgId,
        at: now,
        actor: 'system:dispatcher',
        action,
        subjectType: 'effect',
        subjectId: key,
        data,
      });
    if (outcome.status === 'deferred') {
      await trx('effects')
        .where({ org_id: orgId, key })
        .update({ due_at: outcome.until, attempts: row.attempts + 1, updated_at: now });
      await audit('effect.deferred', {
        reason: outcome.reason,
        until: outcome.until.toISOString(),
        ...(outcome.rule ? { rule: outcome.rule } : {}),
      });
      return { key, lease_id: row.lease_id, type: row.type, status: 'deferred' };
    }
    let payload: Record<string, unknown> = {};
    if (outcome.status === 'posted') {
      const today = localDate(now, facts.property.timezone);
      const amount = Number(row.payload.amount_cents);
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
      payload = { posted_on: today };
    }
    if (outcome.status === 'sent' && RENDERED.has(row.type)) {
      payload = { ...(outcome.payload ?? {}) };
      const channels = (effect.payload.channels as string[] | undefined) ?? [row.type];
      if (channels.includes('certified_letter'))
        // The sandbox mail provider's tracking number: stable per effect, so reruns match.
        payload.tracking_number = `9407${BigInt(
          `0x${crypto.createHash('sha256').update(key).digest('hex').slice(0, 15)}`,
        )
          .toString()
          .padStart(18, '0')
          .slice(0, 18)}`;
      const rendered = renderContact(
        { ...effect, payload: { ...effect.payload, ...payload } },
        facts,
        scope.paymentLinkBase,
      );
      payload.recipients = recipientsFor(row.type, facts.tenants);
      payload.delivery = { provider: 'sandbox', content_sha256: rendered.content_sha256, body: rendered.body };
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
    await trx('effects')
      .where({ org_id: orgId, key })
      .update({
        status: outcome.status,
        attempts: row.attempts + 1,
        updated_at: now,
        payload: trx.raw('payload || ?::jsonb', [JSON.stringify(payload)]),
        ...('reason' in outcome ? { reason: outcome.reason } : {}),
        ...('rule' in outcome && outcome.rule ? { rule: JSON.stringify(outcome.rule) } : {}),
      });
    await audit(`effect.${outcome.status}`, {
      type: row.type,
      ...('reason' in outcome ? { reason: outcome.reason } : {}),
      ...('rule' in outcome && outcome.rule ? { rule: outcome.rule } : {}),
      ...(payload.delivery ? { content_sha256: (payload.delivery as { content_sha256: string }).content_sha256 } : {}),
    });
    return { key, lease_id: row.lease_id, type: row.type, status: outcome.status };
  });
}
