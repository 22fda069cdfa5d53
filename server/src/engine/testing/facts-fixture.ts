import { zonedInstant } from '../../time/zoned.ts';
import { decide, INITIAL_STATE, type CaseState, type Decision, type EngineEvent } from '../decide.ts';
import { asKnown, type EffectCommand, type NewEffect } from '../effects.ts';
import type { KnownEffect, LeaseFacts } from '../facts.ts';
import type { PolicyDocument } from '@arrears/shared';

export const FIXTURE_TZ = 'America/Los_Angeles';

/** A tenant who consented to every channel and has never been called: no guard stands in the way. */
export function reachableTenant(): LeaseFacts['contact'] {
  return {
    phone_timezone: null,
    consents: { email: true, sms: true, voice: true },
    revoked: [],
    call_attempts: [],
    conversations: [],
    opt_out_confirmations: 0,
  };
}

type Charge = LeaseFacts['open_charges'][number];

/** A residential CA lease with $1,000 rent due on the 1st and no open items, for pure engine tests. */
export function leaseFacts(today: string, overrides: Partial<LeaseFacts> = {}): LeaseFacts {
  const open = overrides.open_charges ?? [];
  const balance = overrides.balance_cents ?? open.reduce((sum, c) => sum + c.open_cents, 0);
  return {
    org: { reg_f_for_all: false, fee_review: false, partial_payment_after_notice: 'accept_with_receipt' },
    property: { id: 'P', jurisdiction: 'US-CA', timezone: FIXTURE_TZ, units: 10, cares_covered: false, late_fee: null },
    lease: {
      id: 'L',
      kind: 'residential',
      rent_cents: 100_000,
      due_day: 1,
      grace_days: 0,
      late_fee: null,
      collector: 'first_party',
      segment: null,
      cure_days: null,
      autopay: false,
      status: 'current',
      moved_out_on: null,
    },
    tenants: [{ id: 'T', type: 'individual', role: 'primary' }],
    today,
    credits: [],
    unapplied_credit_cents: 0,
    holds: [],
    contact: reachableTenant(),
    ...overrides,
    open_charges: open,
    balance_cents: balance,
  };
}

export function rent(due_on: string, open_cents = 100_000, charge_type: Charge['charge_type'] = 'rent'): Charge {
  return { external_id: `${charge_type}-${due_on}`, charge_type, due_on, amount_cents: 100_000, open_cents };
}

/**
 * Runs the engine like evaluateLease does, in memory: effects by key (a second create for a key
 * fails the test), state carried forward.
 */
export class EngineHarness {
  readonly effects = new Map<string, KnownEffect>();
  readonly created: { day: string; effect: NewEffect }[] = [];
  state: CaseState = INITIAL_STATE;
  private readonly policy: PolicyDocument;

  constructor(policy: PolicyDocument) {
    this.policy = policy;
  }

  evaluate(facts: LeaseFacts, time = '00:00', event: Partial<EngineEvent> = {}): Decision {
    const now = zonedInstant(facts.today, time, FIXTURE_TZ);
    const decision = decide(
      this.policy,
      this.state,
      { type: 'evaluate', cause: 'test', ...event, facts, known: [...this.effects.values()] } as EngineEvent,
      now,
    );
    for (const command of decision.commands) this.apply(command, facts.today);
    this.state = decision.next;
    return decision;
  }

  private apply(command: EffectCommand, day: string): void {
    if (command.op === 'hold') return;
    if (command.op === 'update') {
      const effect = this.effects.get(command.key);
      if (effect) this.effects.set(command.key, { ...effect, status: command.status, reason: command.reason ?? null });
      return;
    }
    const e = command.effect;
    if (this.effects.has(e.key)) throw new Error(`second effect for ${e.key}`);
    this.created.push({ day, effect: e });
    this.effects.set(e.key, asKnown(e));
  }

  /** Marks every scheduled effect as done, as dispatch would. */
  sendAll(): void {
    for (const [key, effect] of this.effects)
      if (effect.status === 'scheduled')
        this.effects.set(key, { ...effect, status: effect.type.endsWith('fee') ? 'posted' : 'sent' });
  }

  ofType(type: string): NewEffect[] {
    return this.created.filter((c) => c.effect.type === type).map((c) => c.effect);
  }
}
