import type { Trx } from '../db/database.ts';
import { dispatchDecision, type ContactGuard } from '../engine/dispatch.ts';
import type { KnownEffect, LeaseFacts } from '../engine/facts.ts';
import { recipientsFor } from '../engine/recipients.ts';
import { orgPolicyFor } from '../orgs/settings.ts';
import { loadLeaseContext, toKnownEffect } from './facts.ts';
import { loadPolicy } from './policies.ts';

/**
 * Contacts that may carry several leases' reminders at once. Legal notices never do: each is
 * served for one tenancy on its statutory form. Calls are a conversation, not a message.
 */
export const CONSOLIDATED_TYPES: ReadonlySet<string> = new Set(['email', 'sms', 'letter']);

/** A reminder of another lease that goes out inside the message being dispatched. */
export interface Consolidated {
  effect: KnownEffect;
  leaseId: string;
  facts: LeaseFacts;
}

/**
 * With the org's `consolidate_contacts` on, the other leases' reminders a tenant is owed by
 * now, of the same channel and to exactly the same people, that may go out at this instant
 * (each passes its own lease's send-time checks: holds, balance, consent, hours). Their rows
 * are locked (skipping any another worker holds: that one goes out on its own), and the
 * caller records them `suppressed` as `consolidated` into the message it sends. An agent's
 * one-click request is deliberate and always goes alone.
 */
export async function consolidatedReminders(
  trx: Trx,
  scope: { orgId: string; guard: ContactGuard },
  primary: { key: string; lease_id: string; type: string },
  recipients: readonly string[],
  now: Date,
): Promise<Consolidated[]> {
  if (!CONSOLIDATED_TYPES.has(primary.type) || recipients.length === 0) return [];
  const rows: Record<string, unknown>[] = await trx('effects as e')
    .where({ 'e.org_id': scope.orgId, 'e.status': 'scheduled', 'e.type': primary.type })
    .whereNull('e.request_id')
    .whereNot('e.lease_id', primary.lease_id)
    .andWhere('e.due_at', '<=', now)
    .whereExists((q) =>
      q
        .select(trx.raw('1'))
        .from('lease_tenants as lt')
        .whereRaw('lt.org_id = e.org_id and lt.lease_id = e.lease_id')
        .whereIn('lt.tenant_id', recipients),
    )
    .orderBy([{ column: 'e.lease_id' }, { column: 'e.seq' }])
    .forUpdate()
    .skipLocked()
    .select('e.*');
  const wanted = [...recipients].sort().join('\n');
  const out: Consolidated[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const leaseId = row.lease_id as string;
    // One reminder per lease in one message; a second one of the same lease goes on its own.
    if (seen.has(leaseId)) continue;
    const { facts, track, orgSettings } = await loadLeaseContext(trx, scope.orgId, leaseId, now);
    if (recipientsFor(primary.type, facts.tenants).sort().join('\n') !== wanted) continue;
    const pin = track?.policy_id
      ? { id: track.policy_id, version: track.policy_version ?? undefined }
      : orgPolicyFor(facts.lease.kind, orgSettings);
    const policy = await loadPolicy(trx, scope.orgId, pin.id, pin.version);
    const effect = toKnownEffect(row);
    if (dispatchDecision(policy.document, effect, facts, now, scope.guard).status !== 'sent') continue;
    seen.add(leaseId);
    out.push({ effect, leaseId, facts });
  }
  return out;
}
