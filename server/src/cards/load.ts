import type { LeaseCard } from '@arrears/shared';
import type { Trx } from '../db/database.ts';
import { loadLeaseContexts } from '../escalation/facts.ts';
import { loadPolicy } from '../escalation/policies.ts';
import { leaseAging } from '../ledger/aging.ts';
import { orgPolicyFor } from '../orgs/settings.ts';
import { buildLeaseCard, type EffectRow, type LevelChangeRow } from './view.ts';

export interface TimelinePage {
  /** Entries per page (1..500). */
  limit: number;
  /** Only entries recorded before this `seq` (the previous page's `next_before`). */
  before?: number;
}

/** Level changes shown on a card: the most recent ones; the audit trail has the rest. */
const LEVEL_CHANGES = 100;

const EFFECT_COLUMNS = [
  'seq',
  'key',
  'type',
  'status',
  'due_at',
  'created_at',
  'updated_at',
  'step_id',
  'request_id',
  'drafted_by',
  'reason',
  'rule',
  'payload',
];

/**
 * Reads everything a lease card shows, in the caller's org-scoped transaction (`db.withOrg`),
 * and assembles it; null when the org has no such lease. The engine's inputs come from the
 * same loader the evaluator uses (`loadLeaseContexts`) and the policy from the case's pin.
 */
export async function loadLeaseCard(
  trx: Trx,
  orgId: string,
  leaseId: string,
  now: Date,
  page: TimelinePage,
): Promise<LeaseCard | null> {
  const lease = await trx('leases').where({ org_id: orgId, id: leaseId }).first('id', 'unit');
  if (!lease) return null;
  const context = (await loadLeaseContexts(trx, orgId, [leaseId], now)).get(leaseId);
  if (!context) return null;
  const { facts, track } = context;
  // The case's pinned version; a lease never evaluated shows the policy its first case would pin.
  const pin = track?.policy_id
    ? { id: track.policy_id, version: track.policy_version ?? undefined }
    : orgPolicyFor(facts.lease.kind, context.orgSettings);
  const policy = await loadPolicy(trx, orgId, pin.id, pin.version);
  const [aging] = await leaseAging(trx, orgId, { instant: now }, [leaseId]);
  const holdIds = facts.holds.map((h) => h.id);
  const holdRows: { id: string; lease_id: string }[] =
    holdIds.length === 0
      ? []
      : await trx('holds').where({ org_id: orgId }).whereIn('id', holdIds).select('id', 'lease_id');
  const approvals: EffectRow[] = await trx('effects')
    .where({ org_id: orgId, lease_id: leaseId, status: 'awaiting_approval' })
    .orderBy('seq')
    .select(EFFECT_COLUMNS);
  const timelineQuery = trx('effects').where({ org_id: orgId, lease_id: leaseId });
  if (page.before !== undefined) timelineQuery.andWhere('seq', '<', page.before);
  const timeline: EffectRow[] = await timelineQuery
    .orderBy('seq', 'desc')
    .limit(page.limit + 1)
    .select(EFFECT_COLUMNS);
  const levelChanges: LevelChangeRow[] = await trx('case_events')
    .where({ org_id: orgId, case_id: leaseId, type: 'level_changed' })
    .orderBy([
      { column: 'at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(LEVEL_CHANGES)
    .select('at', 'data');
  return buildLeaseCard({
    now,
    facts,
    known: context.known,
    cards: context.cards,
    unit: (lease.unit as string | null) ?? null,
    policy,
    pinned: Boolean(track?.policy_id),
    aging: aging!,
    holdLeases: new Map(holdRows.map((h) => [h.id, h.lease_id])),
    approvals,
    timeline,
    limit: page.limit,
    levelChanges,
  });
}
