import type { Database, Trx } from '../db/database.ts';
import { appendAudit } from '../audit/append.ts';
import { noteWork } from '../db/outbox.ts';
import { zonedInstant } from '../time/zoned.ts';
import { decide, INITIAL_STATE, type CaseState, type Decision, type EngineEvent } from '../engine/decide.ts';
import type { EffectCommand } from '../engine/effects.ts';
import type { Actor } from '../engine/facts.ts';
import { loadLeaseContext } from './facts.ts';
import { readAhead, takeReadAhead } from './read-ahead.ts';
import { loadPolicy, type PinnedPolicy } from './policies.ts';

export type EvaluationInput =
  | { type: 'evaluate'; cause: string }
  | Omit<Extract<EngineEvent, { type: 'request' }>, 'facts' | 'known'>
  | Omit<Extract<EngineEvent, { type: 'approval' }>, 'facts' | 'known'>;

export interface EscalationScope {
  db: Database;
  orgId: string;
  /**
   * The policy a lease's first case pins: by lease kind unless the org chose otherwise
   * (`orgSettings` is `orgs.settings`, read with the lease's facts).
   */
  policyFor(kind: 'residential' | 'commercial', orgSettings: Record<string, unknown>): { id: string; version?: number };
}

export interface Evaluation extends Decision {
  policy: PinnedPolicy;
  actor: string;
}

/**
 * Re-evaluates one lease: the engine's decision and everything it implies (case state, case
 * events, effects in the outbox, hold outcomes, audit rows) commit in one transaction, under a
 * lock on the lease so two workers never decide the same lease at once.
 */
export async function evaluateLease(
  scope: EscalationScope,
  leaseId: string,
  input: EvaluationInput,
  now: Date,
  actor: Actor | { id: string; role: 'system' },
): Promise<Evaluation> {
  return scope.db.withOrg(scope.orgId, (trx) => evaluateLeaseIn(trx, scope, leaseId, input, now, actor));
}

/**
 * `evaluateLease` inside the caller's transaction (of `scope.orgId`): the runner evaluates a
 * batch of leases in one transaction, so their writes share one COMMIT.
 */
export async function evaluateLeaseIn(
  trx: Trx,
  scope: EscalationScope,
  leaseId: string,
  input: EvaluationInput,
  now: Date,
  actor: Actor | { id: string; role: 'system' },
): Promise<Evaluation> {
  let context = takeReadAhead(trx, leaseId, now);
  if (!context) {
    const lease = await trx('leases').where({ org_id: scope.orgId, id: leaseId }).forNoKeyUpdate().first('id');
    if (!lease) throw new Error(`lease ${leaseId} not found`);
    context = await loadLeaseContext(trx, scope.orgId, leaseId, now);
  }
  const track = context.track ?? undefined;
  const pin = track?.policy_id
    ? { id: track.policy_id, version: track.policy_version ?? undefined }
    : scope.policyFor(context.facts.lease.kind, context.orgSettings);
  const policy = await loadPolicy(trx, scope.orgId, pin.id, pin.version);
  const state: CaseState = (track?.state as CaseState | null) ?? INITIAL_STATE;
  const { facts, known } = context;
  const decision = decide(policy.document, state, { ...input, facts, known } as EngineEvent, now);
  await saveTrack(trx, scope.orgId, leaseId, track !== undefined, policy, decision, now);
  if (decision.wake_on)
    // The timer the engine asked for: a job at local midnight of that day, committed with the decision.
    noteWork(trx, {
      kind: 'evaluate',
      orgId: scope.orgId,
      leaseId,
      cause: 'timer',
      at: zonedInstant(decision.wake_on, '00:00', facts.property.timezone),
    });
  await applyCommands(
    trx,
    scope.orgId,
    leaseId,
    decision.next.case_id ?? state.case_id,
    decision.commands,
    actor.id,
    now,
  );
  if (decision.transition) {
    const caseId = leaseId;
    await trx('case_events').insert({
      org_id: scope.orgId,
      case_id: caseId,
      at: now,
      type: 'level_changed',
      actor: actor.id,
      data: JSON.stringify({
        ...decision.transition,
        anchor_due_on: decision.next.anchor_due_on,
        policy: `${policy.id}@${policy.version}`,
      }),
    });
    await appendAudit(trx, {
      orgId: scope.orgId,
      at: now,
      actor: actor.id,
      action: 'case.level_changed',
      subjectType: 'lease',
      subjectId: leaseId,
      data: { ...decision.transition },
    });
  }
  return { ...decision, policy, actor: actor.id };
}

/**
 * Locks the leases a batch of evaluations in this transaction is about to decide (one
 * statement, in id order, so concurrent batches never deadlock) and reads all their contexts in
 * one more (read-ahead.ts), instead of a lock and a read per lease. Each lease's next
 * `evaluateLeaseIn` at the same `now` uses its context once. Leases that do not exist are left
 * to fail on their own.
 */
export async function prefetchEvaluations(
  trx: Trx,
  orgId: string,
  leaseIds: readonly string[],
  now: Date,
): Promise<void> {
  const ids = [...new Set(leaseIds)].sort();
  if (ids.length < 2) return;
  await trx.raw('select 1 from leases where org_id = ? and id = any(?) order by id for no key update', [orgId, ids]);
  await readAhead(trx, orgId, ids, now);
}

async function saveTrack(
  trx: Trx,
  orgId: string,
  leaseId: string,
  exists: boolean,
  policy: PinnedPolicy,
  decision: Decision,
  now: Date,
): Promise<void> {
  const row = {
    status: decision.next.case_id ? 'open' : 'closed',
    level: decision.next.level,
    wake_on: decision.wake_on,
    state: JSON.stringify({ ...decision.next, next_action: decision.next_action }),
  };
  if (exists) {
    await trx('cases')
      .where({ org_id: orgId, id: leaseId })
      .update({ ...row, version: trx.raw('version + 1'), closed_at: row.status === 'closed' ? now : null });
    return;
  }
  await trx('cases').insert({
    org_id: orgId,
    id: leaseId,
    lease_id: leaseId,
    ...row,
    policy_id: policy.id,
    policy_version: policy.version,
    opened_at: now,
  });
}

export async function applyCommands(
  trx: Trx,
  orgId: string,
  leaseId: string,
  caseId: string | null,
  commands: readonly EffectCommand[],
  actor: string,
  now: Date,
): Promise<void> {
  for (const command of commands) {
    switch (command.op) {
      case 'create': {
        const e = command.effect;
        const inserted = await trx('effects')
          .insert({
            org_id: orgId,
            key: e.key,
            lease_id: leaseId,
            case_id: caseId,
            type: e.type,
            status: e.status,
            due_at: e.due_at,
            step_id: e.step_id ?? null,
            anchor_due_on: e.anchor_due_on ?? null,
            request_id: e.request_id ?? null,
            drafted_by: e.drafted_by ?? null,
            reason: e.reason ?? null,
            rule: e.rule ? JSON.stringify(e.rule) : null,
            payload: JSON.stringify(e.payload),
            created_at: now,
            updated_at: now,
          })
          .onConflict(['org_id', 'key'])
          .ignore()
          .returning('key');
        if (inserted.length === 0) break;
        if (e.status === 'scheduled') noteWork(trx, { kind: 'dispatch', orgId, key: e.key, at: e.due_at });
        await appendAudit(trx, {
          orgId,
          at: now,
          actor,
          action: `effect.${e.status}`,
          subjectType: 'effect',
          subjectId: e.key,
          data: {
            type: e.type,
            due_at: e.due_at.toISOString(),
            ...(e.reason ? { reason: e.reason } : {}),
            ...(e.rule ? { rule: e.rule } : {}),
          },
        });
        break;
      }
      case 'update': {
        const changed = await trx('effects')
          .where({ org_id: orgId, key: command.key })
          .whereNot({ status: command.status })
          .update({
            status: command.status,
            updated_at: now,
            ...(command.reason ? { reason: command.reason } : {}),
            ...(command.decided_by ? { decided_by: command.decided_by } : {}),
            ...(command.payload ? { payload: trx.raw('payload || ?::jsonb', [JSON.stringify(command.payload)]) } : {}),
          })
          .returning<{ due_at: Date }[]>('due_at');
        if (changed.length === 0) break;
        if (command.status === 'scheduled')
          noteWork(trx, { kind: 'dispatch', orgId, key: command.key, at: new Date(changed[0]!.due_at) });
        await appendAudit(trx, {
          orgId,
          at: now,
          actor: command.decided_by ?? actor,
          action: `effect.${command.status}`,
          subjectType: 'effect',
          subjectId: command.key,
          data: command.reason ? { reason: command.reason } : {},
        });
        break;
      }
      case 'hold': {
        await trx('holds').where({ org_id: orgId, id: command.id, status: 'active' }).update({
          status: command.status,
          ends_on: command.ends_on,
          closed_at: now,
          closed_by: 'system:engine',
          close_reason: command.reason,
        });
        await appendAudit(trx, {
          orgId,
          at: now,
          actor: 'system:engine',
          action: `hold.${command.status}`,
          subjectType: 'hold',
          subjectId: command.id,
          data: { reason: command.reason, ends_on: command.ends_on },
        });
        break;
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  }
}
