import type { ChargeType, LateFeeTerms, PolicyDocument } from '@arrears/shared';
import { localDate, zonedInstant, addCalendarDays } from '../../time/zoned.ts';
import { decide, INITIAL_STATE, type CaseState, type Decision } from '../decide.ts';
import { dispatchDecision, type ContactGuard } from '../dispatch.ts';
import { asKnown, type EffectCommand } from '../effects.ts';
import type { Hold, KnownEffect, LeaseFacts } from '../facts.ts';
import { Ledger, TZ, type LedgerOp, type PostResult } from './model-ledger.ts';

/**
 * An in-memory stand-in for the ledger, the effects table and the runner of ONE lease, so the
 * engine can be driven through months of payments in milliseconds. It follows the production
 * semantics (server/src/ledger/allocate.ts, merge.ts; escalation/facts.ts, evaluate.ts,
 * dispatch.ts) closely enough that a property failing here is worth reproducing there.
 */

export * from './model-ledger.ts';

// ---------------------------------------------------------------------------------------------
// The driver: the runner and dispatcher of one lease, in memory.

/** A ledger event delivered at a local day and wall-clock time (HH:MM, property zone). */
export interface TimedOp {
  day: string;
  at: string;
  op: LedgerOp;
}

/**
 * A hold entered at a local day and wall-clock time. Its `recorded_on` is that day unless given:
 * a `starts_on` before it is a backdated hold.
 */
export interface TimedHold {
  day: string;
  at: string;
  hold: Hold;
}

export interface StoredEffect extends KnownEffect {
  reason: string | null;
  created_at: Date;
}

export interface Evaluation {
  index: number;
  cause: 'schedule' | 'ledger' | 'dispatch' | 'hold';
  /** A second identical call right after the first was applied: it must change nothing. */
  rerun: boolean;
  now: Date;
  today: string;
  state: CaseState;
  facts: LeaseFacts;
  /** The action ledger the decision was given. */
  known: readonly KnownEffect[];
  decision: Decision;
  /** Keys of `create` commands that named an effect already on record (the table would ignore them). */
  duplicateCreates: string[];
}

export interface DriverRun {
  evaluations: Evaluation[];
  effects: Map<string, StoredEffect>;
  ledger: Ledger;
  /** Each delivered op with what the ledger did with it, in delivery order. */
  deliveries: { op: LedgerOp; day: string; at: string; result: PostResult }[];
  state: CaseState;
  /** The holds as they stand at the end (hold outcomes applied). */
  holds: Hold[];
}

export interface DriverOptions {
  start: string;
  days: number;
  ops: readonly TimedOp[];
  /** Holds entered during the run, each followed by an evaluation (as simulate does). */
  holds?: readonly TimedHold[];
  /** The lease's late-fee terms (default $75 flat). */
  lateFee?: LateFeeTerms;
  /**
   * Re-run each scheduled and ledger-triggered decision once more after applying it (a retry, a
   * second worker). Default true. Decisions after a dispatch are not re-run: they are the same
   * code path and would double the cost for nothing.
   */
  rerun?: boolean;
}

/** Dispatch needs a send-time guard; the engine's properties are not about quiet hours or consent. */
const ALLOW_ALL: ContactGuard = () => ({ ok: true });

/**
 * Runs the lease day by day: at each local midnight, whatever became due is dispatched (fees are
 * posted to the ledger, like escalation/dispatch.ts) and the lease is evaluated; each ledger op
 * is delivered at its time and followed by an evaluation; every dispatch is followed by one too,
 * as simulate does; so is every hold entered. Commands are applied the way applyCommands does: a
 * create whose key exists is ignored, an update sets the status, a hold outcome ends the hold.
 * Unlike simulate, every day is evaluated whatever the last decision's `wake_on` said, so a test
 * can check that the days the scan would skip change nothing.
 */
export function runLedger(policy: PolicyDocument, options: DriverOptions): DriverRun {
  const rerun = options.rerun ?? true;
  const ledger = new Ledger(options.lateFee);
  const effects = new Map<string, StoredEffect>();
  const evaluations: Evaluation[] = [];
  const deliveries: DriverRun['deliveries'] = [];
  let state: CaseState = INITIAL_STATE;
  let holds: Hold[] = [];
  const facts = (today: string): LeaseFacts =>
    holds.length === 0 ? ledger.facts(today) : { ...ledger.facts(today), holds };

  const known = (): KnownEffect[] => [...effects.values()].map(({ created_at: _created, ...effect }) => effect);

  const apply = (commands: readonly EffectCommand[], now: Date): string[] => {
    const duplicates: string[] = [];
    for (const command of commands) {
      if (command.op === 'create') {
        const e = command.effect;
        if (effects.has(e.key)) {
          duplicates.push(e.key);
          continue;
        }
        effects.set(e.key, { ...asKnown(e), reason: e.reason ?? null, created_at: now });
      } else if (command.op === 'update') {
        const effect = effects.get(command.key);
        if (!effect || effect.status === command.status) continue;
        effects.set(command.key, {
          ...effect,
          status: command.status,
          reason: command.reason ?? effect.reason,
          payload: command.payload ? { ...effect.payload, ...command.payload } : effect.payload,
        });
      } else if (command.op === 'hold') {
        // As applyCommands: only an active hold takes an outcome.
        holds = holds.map((h) =>
          h.id === command.id && h.status === 'active' ? { ...h, status: command.status, ends_on: command.ends_on } : h,
        );
      }
    }
    return duplicates;
  };

  const evaluate = (cause: Evaluation['cause'], now: Date) => {
    for (const again of rerun && cause !== 'dispatch' ? [false, true] : [false]) {
      const today = localDate(now, TZ);
      const given = facts(today);
      const effectsGiven = known();
      const decision = decide(policy, state, { type: 'evaluate', cause, facts: given, known: effectsGiven }, now);
      const duplicateCreates = apply(decision.commands, now);
      evaluations.push({
        index: evaluations.length,
        cause,
        rerun: again,
        now,
        today,
        state,
        facts: given,
        known: effectsGiven,
        decision,
        duplicateCreates,
      });
      state = decision.next;
    }
  };

  /** Works through every scheduled effect due by `until`, each at its own due instant. */
  const dispatchUntil = (until: Date) => {
    for (;;) {
      let next: StoredEffect | undefined;
      for (const effect of effects.values())
        if (effect.status === 'scheduled' && new Date(effect.due_at) <= until)
          if (!next || effect.due_at < next.due_at) next = effect;
      if (!next) return;
      const now = new Date(next.due_at);
      const today = localDate(now, TZ);
      const { reason: _reason, created_at: _created, ...effect } = next;
      const outcome = dispatchDecision(policy, effect, facts(today), now, ALLOW_ALL);
      if (outcome.status === 'deferred') {
        effects.set(next.key, { ...next, due_at: outcome.until.toISOString() });
        continue;
      }
      let payload: Record<string, unknown> = {};
      if (outcome.status === 'posted' && next.type === 'fee_reversal') {
        // As escalation/dispatch.ts: a credit of exactly the fee, keyed by the reversal.
        const result = ledger.post({
          kind: 'credit',
          external_id: next.key,
          amount_cents: Number(next.payload.amount_cents),
          effective_on: today,
          source: 'arrears',
        });
        if (result !== 'inserted') throw new Error(`fee reversal ${next.key} ${result}`);
        payload = { posted_on: today };
      } else if (outcome.status === 'posted') {
        const result = ledger.post({
          kind: 'charge',
          external_id: next.key,
          charge_type: next.type as ChargeType,
          amount_cents: Number(next.payload.amount_cents),
          due_on: today,
          effective_on: today,
        });
        if (result !== 'inserted') throw new Error(`fee ${next.key} ${result}`);
        payload = { posted_on: today };
      }
      if (outcome.status === 'sent' && outcome.payload) payload = outcome.payload;
      effects.set(next.key, {
        ...next,
        status: outcome.status,
        payload: { ...next.payload, ...payload },
        reason: 'reason' in outcome ? outcome.reason : next.reason,
      });
      evaluate('dispatch', now);
    }
  };

  const byDay = new Map<string, (TimedOp | TimedHold)[]>();
  for (const timed of [...options.ops, ...(options.holds ?? [])])
    byDay.set(timed.day, [...(byDay.get(timed.day) ?? []), timed]);
  for (let i = 0; i < options.days; i++) {
    const day = addCalendarDays(options.start, i);
    const midnight = zonedInstant(day, '00:00', TZ);
    dispatchUntil(midnight);
    evaluate('schedule', midnight);
    // Stable: same-time ops keep their given order.
    const todays = [...(byDay.get(day) ?? [])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (const timed of todays) {
      const at = zonedInstant(day, timed.at, TZ);
      dispatchUntil(at);
      if ('hold' in timed) {
        holds = [...holds, { recorded_on: day, ...timed.hold }];
        evaluate('hold', at);
        continue;
      }
      const result = ledger.post(timed.op);
      deliveries.push({ op: timed.op, day, at: timed.at, result });
      evaluate('ledger', at);
    }
  }
  return { evaluations, effects, ledger, deliveries, state, holds };
}
