import type { Database } from '../db/database.ts';
import { noteWork } from '../db/outbox.ts';
import { leaseAging } from '../ledger/aging.ts';
import { runnerSettings } from '../orgs/settings.ts';
import { appendAudit } from '../audit/append.ts';

/** A `sending` effect older than this lost its worker mid-call (crash, deploy): reconcile it. */
export const SENDING_STALE_MS = 10 * 60 * 1000;

export interface ScanResult {
  org_id: string;
  /** Leases queued for evaluation, by why. */
  overdue: number;
  woken: number;
  /** Scheduled effects already due that had no job (written with no runner attached). */
  effects_requeued: number;
  /** Effects stuck in `sending` past SENDING_STALE_MS, now `unconfirmed` for an agent. */
  unconfirmed: number;
}

/**
 * The scheduled portfolio scan for one org, set-based: aging for the whole portfolio in one
 * statement, then an evaluation job for every lease whose wake day has come and every lease
 * past the org's first overdue threshold that is not already waiting on a later wake day. It is also the safety net: due
 * effects without a job get one, and sends orphaned by a crash are marked for an agent.
 */
export async function scanOrg(db: Database, orgId: string, now: Date): Promise<ScanResult> {
  return db.withOrg(orgId, async (trx) => {
    const settings = await runnerSettings(trx, orgId);
    const thresholds = [...settings.scan_overdue_days].sort((a, b) => a - b);
    const first = thresholds[0]!;
    const tracks: { lease_id: string; open: boolean; wake_on: string | null; woken: boolean }[] = await trx(
      'cases as c',
    )
      .join('leases as l', function joinLease() {
        this.on('l.org_id', 'c.org_id').andOn('l.id', 'c.lease_id');
      })
      .join('properties as p', function joinProperty() {
        this.on('p.org_id', 'l.org_id').andOn('p.id', 'l.property_id');
      })
      .where('c.org_id', orgId)
      .select(
        'c.lease_id',
        trx.raw(`c.status = 'open' as open`),
        'c.wake_on',
        trx.raw(`coalesce(c.wake_on <= (?::timestamptz at time zone p.timezone)::date, false) as woken`, [now]),
      );
    const trackOf = new Map(tracks.map((t) => [t.lease_id, t]));
    const queued = new Set<string>();
    let overdue = 0;
    let woken = 0;
    for (const t of tracks)
      if (t.woken) {
        noteWork(trx, { kind: 'evaluate', orgId, leaseId: t.lease_id, cause: 'scan:wake' });
        queued.add(t.lease_id);
        woken += 1;
      }
    const aging = await leaseAging(trx, orgId, { instant: now });
    for (const lease of aging) {
      const days = lease.days_past_due ?? 0;
      if (lease.balance_cents <= 0 || days < first || queued.has(lease.lease_id)) continue;
      // An open case whose engine asked to be woken later has nothing to do before then.
      const track = trackOf.get(lease.lease_id);
      if (track?.open && track.wake_on !== null) continue;
      const crossed = thresholds.filter((t) => t <= days).pop()!;
      noteWork(trx, { kind: 'evaluate', orgId, leaseId: lease.lease_id, cause: `scan:overdue>=${crossed}d` });
      queued.add(lease.lease_id);
      overdue += 1;
    }
    const due: { key: string; due_at: Date }[] = await trx('effects')
      .where({ org_id: orgId, status: 'scheduled' })
      .andWhere('due_at', '<=', now)
      .select('key', 'due_at');
    for (const e of due) noteWork(trx, { kind: 'dispatch', orgId, key: e.key, at: new Date(e.due_at), retry: true });
    const stale = await trx('effects')
      .where({ org_id: orgId, status: 'sending' })
      .andWhere('updated_at', '<', new Date(now.getTime() - SENDING_STALE_MS))
      .update({ status: 'unconfirmed', reason: 'worker_lost_during_send', updated_at: now })
      .returning<{ key: string; lease_id: string }[]>(['key', 'lease_id']);
    for (const e of stale) {
      await appendAudit(trx, {
        orgId,
        at: now,
        actor: 'system:scan',
        action: 'effect.unconfirmed',
        subjectType: 'effect',
        subjectId: e.key,
        data: { reason: 'worker_lost_during_send' },
      });
      // Never re-sent blindly: an agent checks with the provider (or the tenant) and decides.
      await trx('effects')
        .insert({
          org_id: orgId,
          key: `${e.key}:confirm-delivery`,
          lease_id: e.lease_id,
          type: 'task',
          status: 'scheduled',
          due_at: now,
          payload: JSON.stringify({ template: 'confirm-delivery', effect: e.key }),
          created_at: now,
          updated_at: now,
        })
        .onConflict(['org_id', 'key'])
        .ignore();
      noteWork(trx, { kind: 'dispatch', orgId, key: `${e.key}:confirm-delivery`, at: now });
    }
    return {
      org_id: orgId,
      overdue,
      woken,
      effects_requeued: due.length,
      unconfirmed: stale.length,
    };
  });
}
