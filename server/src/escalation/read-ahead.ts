import type { Trx } from '../db/database.ts';
import { loadLeaseContexts, type LeaseContext } from './facts.ts';

/**
 * Lease contexts read ahead for a batch of work in one transaction (the runner's lanes, a
 * simulated midnight): one statement for all of the batch's leases instead of one per job. Each
 * is good for ONE use at the instant it was read at: a second job on the same lease in the batch
 * reads afresh, so it sees what the first one wrote.
 */
const ahead = new WeakMap<Trx, { now: number; contexts: Map<string, LeaseContext> }>();

export async function readAhead(trx: Trx, orgId: string, leaseIds: readonly string[], now: Date): Promise<void> {
  ahead.set(trx, { now: now.getTime(), contexts: await loadLeaseContexts(trx, orgId, leaseIds, now) });
}

/** The context read ahead for `leaseId` at `now`, once; undefined when there is none (read it). */
export function takeReadAhead(trx: Trx, leaseId: string, now: Date): LeaseContext | undefined {
  const batch = ahead.get(trx);
  if (!batch || batch.now !== now.getTime()) return undefined;
  const context = batch.contexts.get(leaseId);
  batch.contexts.delete(leaseId);
  return context;
}
