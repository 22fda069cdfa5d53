import type { Trx } from '../db/database.ts';
import { noteWork } from '../db/outbox.ts';
import { dispatchIn, THROUGH_A_JOB, type Dispatched, type DispatchScope, type PreparedDispatch } from './dispatch.ts';
import { writeEffectUpdates, type EffectUpdate } from './effect-updates.ts';
import type { LeaseContext } from './facts.ts';
import { readAheadDispatches } from './read-ahead.ts';

/**
 * Dispatches, in the transaction that just wrote them, the effects of `items` that are already
 * due (the runner's evaluation lane: a reminder due now is sent in the commit that decides it,
 * with no job in between). The same dispatch as a job's, re-checking everything, with one
 * difference: an effect whose port calls a provider after the commit (a real provider) is left
 * to its dispatch job, which is noted back, so the post-commit call and its retries stay where
 * they are handled. Returns what was dispatched here.
 */
export async function dispatchDueIn(
  trx: Trx,
  scope: DispatchScope,
  items: readonly { key: string; at: Date }[],
  now: Date,
  /** The contexts the lane's evaluation decided on (`takeEvaluatedContexts`): refreshed, not re-read. */
  evaluated?: ReadonlyMap<string, LeaseContext>,
): Promise<Dispatched[]> {
  const prepared = await dispatchBatch(
    trx,
    scope,
    items.map((item) => item.key),
    now,
    true,
    evaluated,
  );
  const done: Dispatched[] = [];
  for (const item of items) {
    const outcome = prepared.get(item.key);
    if (outcome === THROUGH_A_JOB) noteWork(trx, { kind: 'dispatch', orgId: scope.orgId, key: item.key, at: item.at });
    else if (outcome) done.push(outcome.done);
  }
  return done;
}

/**
 * `prepareDispatch` for a batch of effects in one transaction (a dispatch lane of the runner),
 * set-based where it can be: rows and contexts (contact cards included) are read ahead in two
 * statements, the first effect of each lease is dispatched and their status changes written in
 * one more, then any further effect of a lease is dispatched alone, seeing what the first wrote.
 * Each outcome is what `prepareDispatch` of that key alone, in key order, gives.
 */
export async function prepareDispatches(
  trx: Trx,
  scope: DispatchScope,
  keys: readonly string[],
  now: Date,
): Promise<Map<string, PreparedDispatch | null>> {
  const prepared = await dispatchBatch(trx, scope, keys, now, false);
  for (const outcome of prepared.values())
    if (outcome === THROUGH_A_JOB) throw new Error('unreachable: only an inline dispatch declines');
  return prepared as Map<string, PreparedDispatch | null>;
}

async function dispatchBatch(
  trx: Trx,
  scope: DispatchScope,
  keys: readonly string[],
  now: Date,
  inline: boolean,
  evaluated?: ReadonlyMap<string, LeaseContext>,
): Promise<Map<string, PreparedDispatch | null | typeof THROUGH_A_JOB>> {
  const ordered = [...new Set(keys)].sort();
  const rows = await readAheadDispatches(trx, scope.orgId, ordered, now, evaluated);
  const leaseOf = new Map(rows.map((row) => [row.key as string, row.lease_id as string]));
  const leases = new Set<string>();
  const firsts: string[] = [];
  const rest: string[] = [];
  for (const key of ordered) {
    const lease = leaseOf.get(key);
    if (lease !== undefined && !leases.has(lease)) {
      leases.add(lease);
      firsts.push(key);
    } else rest.push(key);
  }
  const out = new Map<string, PreparedDispatch | null | typeof THROUGH_A_JOB>();
  const updates: EffectUpdate[] = [];
  for (const key of firsts) out.set(key, await dispatchIn(trx, scope, key, now, inline, updates));
  await writeEffectUpdates(trx, scope.orgId, updates);
  for (const key of rest) out.set(key, await dispatchIn(trx, scope, key, now, inline));
  return out;
}
