import type { PolicyDocument } from '@arrears/shared';
import { addCalendarDays, zonedInstant } from '../../time/zoned.ts';
import { decide, INITIAL_STATE, type CaseState, type Decision, type EngineEvent } from '../decide.ts';
import { asKnown, type NewEffect } from '../effects.ts';
import type { Hold, KnownEffect } from '../facts.ts';
import { Ledger, TZ } from './ledger-model.ts';

type EventInput =
  | { type: 'evaluate'; cause: string }
  | Omit<Extract<EngineEvent, { type: 'request' }>, 'facts' | 'known'>
  | Omit<Extract<EngineEvent, { type: 'approval' }>, 'facts' | 'known'>;

/**
 * One lease driven call by call, for examples that need holds, requests or approvals (which the
 * runner in ledger-model.ts does not generate). Applies commands like applyCommands.
 */
export function lease(policy: PolicyDocument) {
  const ledger = new Ledger();
  const known = new Map<string, KnownEffect>();
  let holds: Hold[] = [];
  let state: CaseState = INITIAL_STATE;
  const call = (day: string, time: string, input: EventInput = { type: 'evaluate', cause: 'schedule' }): Decision => {
    const now = zonedInstant(day, time, TZ);
    const facts = { ...ledger.facts(day), holds };
    const decision = decide(policy, state, { ...input, facts, known: [...known.values()] } as EngineEvent, now);
    for (const command of decision.commands) {
      if (command.op === 'create' && !known.has(command.effect.key)) {
        known.set(command.effect.key, asKnown(command.effect));
      } else if (command.op === 'update') {
        const effect = known.get(command.key);
        if (effect) known.set(command.key, { ...effect, status: command.status });
      } else if (command.op === 'hold') {
        holds = holds.map((h) =>
          h.id === command.id ? { ...h, status: command.status, ends_on: command.ends_on } : h,
        );
      }
    }
    state = decision.next;
    return decision;
  };
  return {
    ledger,
    known,
    call,
    /** Evaluates at 00:00 of every day from `from` through `to`; returns each day's decision. */
    days(from: string, to: string): Map<string, Decision> {
      const out = new Map<string, Decision>();
      for (let day = from; day <= to; day = addCalendarDays(day, 1)) out.set(day, call(day, '00:00'));
      return out;
    },
    hold(hold: Hold) {
      holds = [...holds, hold];
    },
    get state() {
      return state;
    },
  };
}

export const created = (decision: Decision | undefined): NewEffect[] =>
  (decision?.commands ?? []).flatMap((c) => (c.op === 'create' ? [c.effect] : []));
