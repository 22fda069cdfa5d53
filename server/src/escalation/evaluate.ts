import type { Database, Trx } from '../db/database.ts';
import { appendAudit } from '../audit/append.ts';
import { insertRecords } from '../db/insert-records.ts';
import { noteWork } from '../db/outbox.ts';
import { zonedInstant } from '../time/zoned.ts';
import { decide, INITIAL_STATE, type CaseState, type Decision, type EngineEvent } from '../engine/decide.ts';
import type { EffectCommand } from '../engine/effects.ts';
import type { Actor } from '../engine/facts.ts';
import { loadLeaseContext, loadLeaseContexts, type LeaseContext } from './facts.ts';
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
  const lease = await trx('leases').where({ org_id: scope.orgId, id: leaseId }).forNoKeyUpdate().first('id');
  if (!lease) throw new Error(`lease ${leaseId} not found`);
  const context = await loadLeaseContext(trx, scope.orgId, leaseId, now);
  const decided = await decideLease(trx, scope, leaseId, context, input, now, actor);
  await writeDecisions(trx, scope.orgId, [decided], now);
  return decided.evaluation;
}

/**
 * Evaluates several leases at one instant in the caller's transaction, set-based: the leases
 * are locked in one statement (in id order, so concurrent batches never deadlock) and read in
 * one more, each is decided, and the decisions are written with one statement per table (case
 * tracks, new effects, level changes) instead of a handful per lease. Each decision is exactly
 * what `evaluateLeaseIn` gives for that lease alone. Ids must be distinct (a lease evaluated
 * twice in one batch must see its first evaluation: run the second through `evaluateLeaseIn`);
 * a lease that does not exist fails the whole call.
 */
export async function evaluateLeasesIn(
  trx: Trx,
  scope: EscalationScope,
  items: readonly { leaseId: string; input: EvaluationInput }[],
  now: Date,
  actor: Actor | { id: string; role: 'system' },
): Promise<Map<string, Evaluation>> {
  const ids = items.map((item) => item.leaseId).sort();
  if (new Set(ids).size !== ids.length) throw new Error('evaluateLeasesIn: a lease appears twice in one batch');
  await trx.raw('select 1 from leases where org_id = ? and id = any(?) order by id for no key update', [
    scope.orgId,
    ids,
  ]);
  const contexts = await loadLeaseContexts(trx, scope.orgId, ids, now);
  const decided: Decided[] = [];
  for (const { leaseId, input } of [...items].sort((x, y) => (x.leaseId < y.leaseId ? -1 : 1))) {
    const context = contexts.get(leaseId);
    if (!context) throw new Error(`lease ${leaseId} not found`);
    decided.push(await decideLease(trx, scope, leaseId, context, input, now, actor));
  }
  await writeDecisions(trx, scope.orgId, decided, now);
  evaluated.set(trx, { now: now.getTime(), contexts });
  return new Map(decided.map((d) => [d.leaseId, d.evaluation]));
}

/** The contexts the last `evaluateLeasesIn` of a transaction decided on, and at which instant. */
const evaluated = new WeakMap<Trx, { now: number; contexts: Map<string, LeaseContext> }>();

/**
 * The contexts the last `evaluateLeasesIn` in `trx` read at `now`, once (as they were before
 * the decisions were written: `refreshLeaseContexts` brings them up to date). Only for work that
 * directly follows that call: anything else written for those leases since is not in them.
 */
export function takeEvaluatedContexts(trx: Trx, now: Date): Map<string, LeaseContext> | undefined {
  const last = evaluated.get(trx);
  evaluated.delete(trx);
  return last && last.now === now.getTime() ? last.contexts : undefined;
}

/** One lease's decision and what writing it needs. */
interface Decided {
  leaseId: string;
  timezone: string;
  trackExists: boolean;
  caseId: string | null;
  actor: string;
  evaluation: Evaluation;
}

async function decideLease(
  trx: Trx,
  scope: EscalationScope,
  leaseId: string,
  context: LeaseContext,
  input: EvaluationInput,
  now: Date,
  actor: Actor | { id: string; role: 'system' },
): Promise<Decided> {
  const track = context.track ?? undefined;
  const pin = track?.policy_id
    ? { id: track.policy_id, version: track.policy_version ?? undefined }
    : scope.policyFor(context.facts.lease.kind, context.orgSettings);
  const policy = await loadPolicy(trx, scope.orgId, pin.id, pin.version);
  const state: CaseState = (track?.state as CaseState | null) ?? INITIAL_STATE;
  const { facts, known } = context;
  const decision = decide(policy.document, state, { ...input, facts, known } as EngineEvent, now);
  return {
    leaseId,
    timezone: facts.property.timezone,
    trackExists: track !== undefined,
    caseId: decision.next.case_id ?? state.case_id,
    actor: actor.id,
    evaluation: { ...decision, policy, actor: actor.id },
  };
}

/**
 * Everything decisions imply, for any number of leases: case tracks (one update and one
 * insert statement), the engine's timers, the commands (writeCommands), the level changes (one
 * insert) and their audit rows.
 */
async function writeDecisions(trx: Trx, orgId: string, decided: readonly Decided[], now: Date): Promise<void> {
  const track = (d: Decided) => ({
    id: d.leaseId,
    status: d.evaluation.next.case_id ? 'open' : 'closed',
    level: d.evaluation.next.level,
    wake_on: d.evaluation.wake_on,
    state: { ...d.evaluation.next, next_action: d.evaluation.next_action },
  });
  const existing = decided.filter((d) => d.trackExists).map(track);
  if (existing.length > 0)
    await trx.raw(
      `update cases c
       set status = v.status, level = v.level, wake_on = v.wake_on, state = v.state, version = c.version + 1,
           closed_at = case when v.status = 'closed' then cast(? as timestamptz) end
       from jsonb_to_recordset(cast(? as jsonb)) as v(id text, status text, level text, wake_on date, state jsonb)
       where c.org_id = ? and c.id = v.id`,
      [now.toISOString(), JSON.stringify(existing), orgId],
    );
  const fresh = decided.filter((d) => !d.trackExists);
  if (fresh.length > 0)
    await insertRecords(
      trx,
      'cases',
      fresh.map((d) => {
        const { id, ...row } = track(d);
        return {
          org_id: orgId,
          id,
          lease_id: id,
          ...row,
          policy_id: d.evaluation.policy.id,
          policy_version: d.evaluation.policy.version,
          opened_at: now,
        };
      }),
    );
  for (const d of decided)
    if (d.evaluation.wake_on)
      // The timer the engine asked for: a job at local midnight of that day, committed with the decision.
      noteWork(trx, {
        kind: 'evaluate',
        orgId,
        leaseId: d.leaseId,
        cause: 'timer',
        at: zonedInstant(d.evaluation.wake_on, '00:00', d.timezone),
      });
  await writeCommands(
    trx,
    orgId,
    decided.map((d) => ({ leaseId: d.leaseId, caseId: d.caseId, commands: d.evaluation.commands, actor: d.actor })),
    now,
  );
  const changed = decided.filter((d) => d.evaluation.transition);
  if (changed.length === 0) return;
  await insertRecords(
    trx,
    'case_events',
    changed.map((d) => ({
      org_id: orgId,
      case_id: d.leaseId,
      at: now,
      type: 'level_changed',
      actor: d.actor,
      data: {
        ...d.evaluation.transition,
        anchor_due_on: d.evaluation.next.anchor_due_on,
        policy: `${d.evaluation.policy.id}@${d.evaluation.policy.version}`,
      },
    })),
  );
  for (const d of changed)
    await appendAudit(trx, {
      orgId,
      at: now,
      actor: d.actor,
      action: 'case.level_changed',
      subjectType: 'lease',
      subjectId: d.leaseId,
      data: { ...d.evaluation.transition },
    });
}

/** The engine's commands for one lease, written in the caller's transaction. */
export async function applyCommands(
  trx: Trx,
  orgId: string,
  leaseId: string,
  caseId: string | null,
  commands: readonly EffectCommand[],
  actor: string,
  now: Date,
): Promise<void> {
  await writeCommands(trx, orgId, [{ leaseId, caseId, commands, actor }], now);
}

/**
 * The commands of any number of leases: every new effect in ONE insert (an idempotency key
 * already on record inserts nothing and notes nothing: a re-run, a retry, a second worker),
 * then the updates and hold outcomes in order. A lease's commands never update an effect
 * before creating it, so creates going first keeps each lease's outcome.
 */
async function writeCommands(
  trx: Trx,
  orgId: string,
  batch: readonly { leaseId: string; caseId: string | null; commands: readonly EffectCommand[]; actor: string }[],
  now: Date,
): Promise<void> {
  const creates = batch.flatMap(({ leaseId, caseId, commands, actor }) =>
    commands.flatMap((c) => (c.op === 'create' ? [{ leaseId, caseId, actor, effect: c.effect }] : [])),
  );
  if (creates.length > 0) {
    const inserted = await insertRecords<{ key: string }>(
      trx,
      'effects',
      creates.map(({ leaseId, caseId, effect: e }) => ({
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
        rule: e.rule ?? null,
        payload: e.payload,
        created_at: now,
        updated_at: now,
      })),
      'on conflict (org_id, key) do nothing returning key',
    );
    const isNew = new Set(inserted.map((row) => row.key));
    for (const { actor, effect: e } of creates) {
      if (!isNew.has(e.key)) continue;
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
    }
  }
  for (const { commands, actor } of batch)
    for (const command of commands) {
      switch (command.op) {
        case 'create':
          break;
        case 'update': {
          const changed = await trx('effects')
            .where({ org_id: orgId, key: command.key })
            .whereNot({ status: command.status })
            .update({
              status: command.status,
              updated_at: now,
              ...(command.reason ? { reason: command.reason } : {}),
              ...(command.decided_by ? { decided_by: command.decided_by } : {}),
              ...(command.payload
                ? { payload: trx.raw('payload || ?::jsonb', [JSON.stringify(command.payload)]) }
                : {}),
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
          // A kept promise whose payment was returned is broken (engine/hold-rules.ts); it stopped
          // being in force when it was kept, so its closed_at stays.
          await trx('holds')
            .where({ org_id: orgId, id: command.id })
            .whereIn('status', ['active', 'kept'])
            .update({
              status: command.status,
              ends_on: command.ends_on,
              closed_at: trx.raw('coalesce(closed_at, ?)', [now]),
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
