import type { ChargeType, PolicyDocument } from '@arrears/shared';
import { localDate, zonedInstant, addCalendarDays } from '../../time/zoned.ts';
import { decide, INITIAL_STATE, type CaseState, type Decision } from '../decide.ts';
import { dispatchDecision, type ContactGuard } from '../dispatch.ts';
import type { EffectCommand } from '../effects.ts';
import type { KnownEffect, LeaseFacts } from '../facts.ts';

/**
 * An in-memory stand-in for the ledger, the effects table and the runner of ONE lease, so the
 * engine can be driven through months of payments in milliseconds. It follows the production
 * semantics (server/src/ledger/allocate.ts, merge.ts; escalation/facts.ts, evaluate.ts,
 * dispatch.ts) closely enough that a property failing here is worth reproducing there.
 */

export const TZ = 'America/Los_Angeles';
export const LEASE_ID = 'L';
export const RENT_CENTS = 200_000;
export const GRACE_DAYS = 5;
export const LATE_FEE_CENTS = 7_500;

export type LedgerOp =
  | {
      kind: 'charge';
      external_id: string;
      charge_type: ChargeType;
      amount_cents: number;
      due_on: string;
      effective_on: string;
    }
  | { kind: 'payment' | 'credit' | 'write_off'; external_id: string; amount_cents: number; effective_on: string }
  /** Undoes all of a payment (production refuses partial reversals), so it carries no amount. */
  | { kind: 'reversal'; external_id: string; reverses: string; effective_on: string; reason?: string };

export type PostResult = 'inserted' | 'duplicate' | 'rejected';

interface Entry {
  seq: number;
  op: LedgerOp;
  amount_cents: number;
}

type OpenCharge = LeaseFacts['open_charges'][number];

/** Credit-side kinds that pay charges; a reversal only takes such payments back. */
const PAYING = new Set<LedgerOp['kind']>(['payment', 'credit', 'write_off']);

export class Ledger {
  private readonly entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();

  /**
   * Appends one delivered event. The same external_id twice counts once (webhooks re-deliver);
   * a reversal of an unknown, non-payment or already reversed entry is refused, as merge.ts does.
   */
  post(op: LedgerOp): PostResult {
    if (this.byId.has(op.external_id)) return 'duplicate';
    let amount: number;
    if (op.kind === 'reversal') {
      const target = this.byId.get(op.reverses);
      if (!target || target.op.kind !== 'payment') return 'rejected';
      if (this.entries.some((e) => e.op.kind === 'reversal' && e.op.reverses === op.reverses)) return 'rejected';
      amount = target.amount_cents;
    } else {
      amount = op.amount_cents;
    }
    const entry = { seq: this.entries.length, op, amount_cents: amount };
    this.entries.push(entry);
    this.byId.set(op.external_id, entry);
    return 'inserted';
  }

  /** Every accepted entry, in posting order. */
  list(): readonly { op: LedgerOp; amount_cents: number }[] {
    return this.entries;
  }

  /**
   * Open charges and unapplied credit as of a day. Allocation is replayed from scratch over the
   * entries effective by then, in posting order, re-running the FIFO pass after each entry the
   * way ingest runs allocateOpenItems after each chunk. Replaying (rather than keeping rows)
   * equals production's "allocations applied on or before the day" as long as entries are
   * posted in effective-date order, which the driver guarantees.
   */
  position(today: string): { open: OpenCharge[]; balance_cents: number; unapplied_credit_cents: number } {
    const charges: { entry: Entry; open: number }[] = [];
    const credits: { entry: Entry; available: number; paid: Map<number, number>; reversed: boolean }[] = [];
    const bySeq = new Map<number, { entry: Entry; open: number }>();
    let balance = 0;
    for (const entry of this.entries) {
      const { op } = entry;
      if (op.effective_on > today) continue;
      if (op.kind === 'charge') {
        const charge = { entry, open: entry.amount_cents };
        charges.push(charge);
        bySeq.set(entry.seq, charge);
        balance += entry.amount_cents;
      } else if (op.kind === 'reversal') {
        balance += entry.amount_cents;
        const credit = credits.find((c) => c.entry.op.external_id === op.reverses);
        if (credit) {
          // Exactly this payment's allocations are cancelled: its charges re-open, others' stay paid.
          for (const [seq, amount] of credit.paid) bySeq.get(seq)!.open += amount;
          credit.paid.clear();
          credit.available = 0;
          credit.reversed = true;
        }
      } else {
        credits.push({ entry, available: entry.amount_cents, paid: new Map(), reversed: false });
        balance -= entry.amount_cents;
      }
      allocate(charges, credits);
    }
    const open = charges
      .filter((c) => c.open > 0)
      .sort((a, b) => byDueThenSeq(a.entry, b.entry))
      .map(({ entry, open }) => {
        const op = entry.op as Extract<LedgerOp, { kind: 'charge' }>;
        return {
          external_id: op.external_id,
          charge_type: op.charge_type,
          due_on: op.due_on,
          amount_cents: entry.amount_cents,
          open_cents: open,
        };
      });
    const openTotal = open.reduce((sum, c) => sum + c.open_cents, 0);
    // As loadFacts: unapplied credit is what the ledger balance leaves over the open charges.
    return { open, balance_cents: balance, unapplied_credit_cents: Math.max(0, openTotal - balance) };
  }

  /** The engine's view of the lease on a local day (what loadFacts would read). */
  facts(today: string): LeaseFacts {
    const { open, balance_cents, unapplied_credit_cents } = this.position(today);
    const credits = this.entries
      .filter((e) => e.op.kind !== 'charge' && e.op.effective_on <= today)
      .sort((a, b) => (a.op.effective_on < b.op.effective_on ? -1 : a.op.effective_on > b.op.effective_on ? 1 : 0))
      .map(({ op, amount_cents }): LeaseFacts['credits'][number] => ({
        external_id: op.external_id,
        kind: op.kind as LeaseFacts['credits'][number]['kind'],
        amount_cents,
        effective_on: op.effective_on,
        ...(op.kind === 'reversal' ? { reverses: op.reverses, reason: op.reason ?? 'nsf' } : {}),
      }));
    return {
      org: { reg_f_for_all: false, fee_review: false, partial_payment_after_notice: 'accept_with_receipt' },
      property: {
        id: 'P',
        jurisdiction: 'US-CA',
        timezone: TZ,
        units: 12,
        cares_covered: false,
        late_fee: null,
      },
      lease: {
        id: LEASE_ID,
        kind: 'residential',
        rent_cents: RENT_CENTS,
        due_day: 1,
        grace_days: GRACE_DAYS,
        late_fee: { kind: 'flat', amount_cents: LATE_FEE_CENTS },
        collector: 'first_party',
        segment: null,
        cure_days: null,
        autopay: false,
        status: 'active',
        moved_out_on: null,
      },
      tenants: [{ id: 'T', type: 'individual', role: 'primary' }],
      today,
      open_charges: open,
      credits,
      balance_cents,
      unapplied_credit_cents,
      holds: [],
      contact: {
        phone_timezone: null,
        consents: { email: true, sms: true, voice: true },
        revoked: [],
        call_attempts: [],
        conversations: [],
        opt_out_confirmations: 0,
      },
    };
  }
}

function byDueThenSeq(a: Entry, b: Entry): number {
  const da = (a.op as { due_on: string }).due_on;
  const db = (b.op as { due_on: string }).due_on;
  return da < db ? -1 : da > db ? 1 : a.seq - b.seq;
}

/** The FIFO pass: available credits, oldest posted first, pay open charges, oldest due first. */
function allocate(
  charges: { entry: Entry; open: number }[],
  credits: { entry: Entry; available: number; paid: Map<number, number>; reversed: boolean }[],
): void {
  const queue = charges.filter((c) => c.open > 0).sort((a, b) => byDueThenSeq(a.entry, b.entry));
  for (const credit of credits) {
    if (credit.reversed || !PAYING.has(credit.entry.op.kind)) continue;
    for (const charge of queue) {
      if (credit.available <= 0) break;
      if (charge.open <= 0) continue;
      const amount = Math.min(charge.open, credit.available);
      charge.open -= amount;
      credit.available -= amount;
      credit.paid.set(charge.entry.seq, (credit.paid.get(charge.entry.seq) ?? 0) + amount);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The driver: the runner and dispatcher of one lease, in memory.

/** A ledger event delivered at a local day and wall-clock time (HH:MM, property zone). */
export interface TimedOp {
  day: string;
  at: string;
  op: LedgerOp;
}

export interface StoredEffect extends KnownEffect {
  reason: string | null;
  created_at: Date;
}

export interface Evaluation {
  index: number;
  cause: 'schedule' | 'ledger' | 'dispatch';
  /** A second identical call right after the first was applied: it must change nothing. */
  rerun: boolean;
  now: Date;
  today: string;
  state: CaseState;
  facts: LeaseFacts;
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
}

export interface DriverOptions {
  start: string;
  days: number;
  ops: readonly TimedOp[];
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
 * as simulate does. Commands are applied the way applyCommands does: a create whose key exists is
 * ignored, an update sets the status.
 */
export function runLedger(policy: PolicyDocument, options: DriverOptions): DriverRun {
  const rerun = options.rerun ?? true;
  const ledger = new Ledger();
  const effects = new Map<string, StoredEffect>();
  const evaluations: Evaluation[] = [];
  const deliveries: DriverRun['deliveries'] = [];
  let state: CaseState = INITIAL_STATE;

  const known = (): KnownEffect[] =>
    [...effects.values()].map(({ reason: _reason, created_at: _created, ...effect }) => effect);

  const apply = (commands: readonly EffectCommand[], now: Date): string[] => {
    const duplicates: string[] = [];
    for (const command of commands) {
      if (command.op === 'create') {
        const e = command.effect;
        if (effects.has(e.key)) {
          duplicates.push(e.key);
          continue;
        }
        effects.set(e.key, {
          key: e.key,
          type: e.type,
          status: e.status,
          step_id: e.step_id ?? null,
          anchor_due_on: e.anchor_due_on ?? null,
          request_id: e.request_id ?? null,
          drafted_by: e.drafted_by ?? null,
          due_at: e.due_at.toISOString(),
          payload: e.payload,
          reason: e.reason ?? null,
          created_at: now,
        });
      } else if (command.op === 'update') {
        const effect = effects.get(command.key);
        if (!effect || effect.status === command.status) continue;
        effects.set(command.key, {
          ...effect,
          status: command.status,
          reason: command.reason ?? effect.reason,
          payload: command.payload ? { ...effect.payload, ...command.payload } : effect.payload,
        });
      }
      // `hold` commands: the model has no holds, so the engine never returns one.
    }
    return duplicates;
  };

  const evaluate = (cause: Evaluation['cause'], now: Date) => {
    for (const again of rerun && cause !== 'dispatch' ? [false, true] : [false]) {
      const today = localDate(now, TZ);
      const facts = ledger.facts(today);
      const decision = decide(policy, state, { type: 'evaluate', cause, facts, known: known() }, now);
      const duplicateCreates = apply(decision.commands, now);
      evaluations.push({
        index: evaluations.length,
        cause,
        rerun: again,
        now,
        today,
        state,
        facts,
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
      const outcome = dispatchDecision(policy, effect, ledger.facts(today), now, ALLOW_ALL);
      if (outcome.status === 'deferred') {
        effects.set(next.key, { ...next, due_at: outcome.until.toISOString() });
        continue;
      }
      let payload: Record<string, unknown> = {};
      if (outcome.status === 'posted') {
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

  const byDay = new Map<string, TimedOp[]>();
  for (const timed of options.ops) byDay.set(timed.day, [...(byDay.get(timed.day) ?? []), timed]);
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
      const result = ledger.post(timed.op);
      deliveries.push({ op: timed.op, day, at: timed.at, result });
      evaluate('ledger', at);
    }
  }
  return { evaluations, effects, ledger, deliveries, state };
}
