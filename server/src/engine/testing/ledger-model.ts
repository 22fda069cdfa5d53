import type { ChargeType, LateFeeTerms, PolicyDocument } from '@arrears/shared';
import { localDate, zonedInstant, addCalendarDays } from '../../time/zoned.ts';
import { decide, INITIAL_STATE, type CaseState, type Decision } from '../decide.ts';
import { dispatchDecision, type ContactGuard } from '../dispatch.ts';
import { asKnown, type EffectCommand } from '../effects.ts';
import type { Hold, KnownEffect, LeaseFacts } from '../facts.ts';
import { rentFirstOpenCharges, type LedgerCharge, type LedgerMoney } from '../rent-first.ts';
import { reachableTenant } from './facts-fixture.ts';

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
  | {
      kind: 'payment' | 'credit' | 'write_off';
      external_id: string;
      amount_cents: number;
      effective_on: string;
      /** A credit Arrears posted itself (a fee reversal), as the loader marks it. */
      source?: 'arrears';
    }
  /** Undoes all of a payment (production refuses partial reversals), so it carries no amount. */
  | { kind: 'reversal'; external_id: string; reverses: string; effective_on: string; reason?: string };

export type PostResult = 'inserted' | 'duplicate' | 'rejected';

interface Entry {
  seq: number;
  op: LedgerOp;
  amount_cents: number;
}

type OpenCharge = LeaseFacts['open_charges'][number];

/** One allocation row: part of a credit applied to a charge (negative: a reversal's cancellation). */
interface Allocation {
  charge: number;
  credit: number;
  amount_cents: number;
  applied_on: string;
}

/** Credit-side kinds that pay charges; a reversal only takes such payments back. */
const PAYING = new Set<LedgerOp['kind']>(['payment', 'credit', 'write_off']);

export class Ledger {
  private readonly entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  private readonly allocations: Allocation[] = [];
  private readonly lateFee: LateFeeTerms;

  /** The lease's late-fee terms: $75 flat unless given. */
  constructor(lateFee: LateFeeTerms = { kind: 'flat', amount_cents: LATE_FEE_CENTS }) {
    this.lateFee = lateFee;
  }

  /**
   * Appends one delivered event and allocates, as ingest does: the same external_id twice counts
   * once (webhooks re-deliver); a reversal of an unknown, non-payment or already reversed entry
   * is refused (merge.ts); a reversal cancels exactly its payment's allocations with negative
   * rows dated on the reversal; then the FIFO pass runs (allocate.ts).
   */
  post(op: LedgerOp): PostResult {
    if (this.byId.has(op.external_id)) return 'duplicate';
    let amount: number;
    if (op.kind === 'reversal') {
      const target = this.byId.get(op.reverses);
      if (!target || target.op.kind !== 'payment') return 'rejected';
      if (this.reversed(target.seq)) return 'rejected';
      amount = target.amount_cents;
    } else {
      amount = op.amount_cents;
    }
    const entry = { seq: this.entries.length, op, amount_cents: amount };
    this.entries.push(entry);
    this.byId.set(op.external_id, entry);
    if (op.kind === 'reversal') {
      const target = this.byId.get(op.reverses)!;
      const paid = new Map<number, number>();
      for (const a of this.allocations)
        if (a.credit === target.seq) paid.set(a.charge, (paid.get(a.charge) ?? 0) + a.amount_cents);
      for (const [charge, sum] of paid)
        if (sum > 0)
          this.allocations.push({ charge, credit: target.seq, amount_cents: -sum, applied_on: op.effective_on });
    }
    this.allocate();
    return 'inserted';
  }

  /** Every accepted entry, in posting order. */
  list(): readonly { op: LedgerOp; amount_cents: number }[] {
    return this.entries;
  }

  private reversed(seq: number): boolean {
    const id = this.entries[seq]?.op.external_id;
    return this.entries.some((e) => e.op.kind === 'reversal' && e.op.reverses === id);
  }

  /**
   * The FIFO pass over the whole ledger, whatever the effective dates (allocateOpenItems): open
   * charges, oldest due first then posting order, are paid by available credits, oldest
   * effective first then posting order; a row counts from the later of the two effective days.
   */
  private allocate(): void {
    const paid = new Map<number, number>();
    const used = new Map<number, number>();
    for (const a of this.allocations) {
      paid.set(a.charge, (paid.get(a.charge) ?? 0) + a.amount_cents);
      used.set(a.credit, (used.get(a.credit) ?? 0) + a.amount_cents);
    }
    const charges = this.entries
      .filter((e) => e.op.kind === 'charge')
      .map((entry) => ({ entry, open: entry.amount_cents - (paid.get(entry.seq) ?? 0) }))
      .filter((c) => c.open > 0)
      .sort((a, b) => byDueThenSeq(a.entry, b.entry));
    const credits = this.entries
      .filter((e) => PAYING.has(e.op.kind) && !this.reversed(e.seq))
      .map((entry) => ({ entry, available: entry.amount_cents - (used.get(entry.seq) ?? 0) }))
      .filter((c) => c.available > 0)
      .sort((a, b) => compare(a.entry.op.effective_on, b.entry.op.effective_on) || a.entry.seq - b.entry.seq);
    let i = 0;
    for (const credit of credits) {
      while (credit.available > 0 && i < charges.length) {
        const charge = charges[i]!;
        const amount = Math.min(charge.open, credit.available);
        charge.open -= amount;
        credit.available -= amount;
        const applied = [charge.entry.op.effective_on, credit.entry.op.effective_on].sort()[1]!;
        this.allocations.push({
          charge: charge.entry.seq,
          credit: credit.entry.seq,
          amount_cents: amount,
          applied_on: applied,
        });
        if (charge.open === 0) i += 1;
      }
    }
  }

  /**
   * Open charges and unapplied credit as of a day (openCharges, loadFacts): charges effective by
   * then, less the allocations applied by then; the balance of every entry effective by then.
   */
  position(today: string): { open: OpenCharge[]; balance_cents: number; unapplied_credit_cents: number } {
    const paid = new Map<number, number>();
    for (const a of this.allocations)
      if (a.applied_on <= today) paid.set(a.charge, (paid.get(a.charge) ?? 0) + a.amount_cents);
    let balance = 0;
    const open: OpenCharge[] = [];
    for (const entry of [...this.entries].sort(byDueThenSeq)) {
      const { op } = entry;
      if (op.effective_on > today) continue;
      if (op.kind === 'charge') {
        balance += entry.amount_cents;
        const left = entry.amount_cents - (paid.get(entry.seq) ?? 0);
        if (left > 0)
          open.push({
            external_id: op.external_id,
            charge_type: op.charge_type,
            due_on: op.due_on,
            amount_cents: entry.amount_cents,
            open_cents: left,
          });
      } else balance += op.kind === 'reversal' ? entry.amount_cents : -entry.amount_cents;
    }
    const openTotal = open.reduce((sum, c) => sum + c.open_cents, 0);
    // As loadFacts: unapplied credit is what the ledger balance leaves over the open charges.
    return { open, balance_cents: balance, unapplied_credit_cents: Math.max(0, openTotal - balance) };
  }

  /**
   * The engine's view of the lease on a local day (what loadFacts would read): the balance from
   * the ledger, the open charges read rent-first from the same entries, as the loader does.
   */
  facts(today: string): LeaseFacts {
    const { open: ledgerOpen, balance_cents } = this.position(today);
    const charges: LedgerCharge[] = [];
    for (const { seq, op, amount_cents } of this.entries)
      if (op.kind === 'charge' && op.effective_on <= today) charges.push({ ...op, seq, amount_cents });
    const money = this.entries
      .filter((e) => e.op.kind !== 'charge' && e.op.effective_on <= today)
      .map(({ seq, op, amount_cents }) => ({
        seq,
        external_id: op.external_id,
        kind: op.kind as LedgerMoney['kind'],
        amount_cents,
        effective_on: op.effective_on,
        ...(op.kind === 'reversal' ? { reverses: op.reverses } : {}),
        ...(op.kind !== 'charge' && op.kind !== 'reversal' && op.source ? { source: op.source } : {}),
      }));
    const open = rentFirstOpenCharges(charges, money);
    // Reading rent-first moves amounts between charges, never the total the ledger leaves open
    // — except that the ledger may already have set money aside for a charge effective later (an
    // early-delivered scheduled rent), which the engine's view as of today does not see yet.
    const total = (list: OpenCharge[]) => list.reduce((sum, c) => sum + c.open_cents, 0);
    const later = this.entries.some((e) => e.op.effective_on > today);
    if (later ? total(open) > total(ledgerOpen) : total(open) !== total(ledgerOpen))
      throw new Error(`rent-first view leaves ${total(open)} open, the ledger ${total(ledgerOpen)} (${today})`);
    const unapplied_credit_cents = Math.max(0, total(open) - balance_cents);
    const credits = this.entries
      .filter((e) => e.op.kind !== 'charge' && e.op.effective_on <= today)
      .sort((a, b) => (a.op.effective_on < b.op.effective_on ? -1 : a.op.effective_on > b.op.effective_on ? 1 : 0))
      .map(({ op, amount_cents }): LeaseFacts['credits'][number] => ({
        external_id: op.external_id,
        kind: op.kind as LeaseFacts['credits'][number]['kind'],
        amount_cents,
        effective_on: op.effective_on,
        ...(op.kind === 'reversal' ? { reverses: op.reverses, reason: op.reason ?? 'nsf' } : {}),
        ...(op.kind !== 'charge' && op.kind !== 'reversal' && op.source ? { source: op.source } : {}),
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
        late_fee: this.lateFee,
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
      // As the loader: the next entry delivered ahead of its day, and rent already posted.
      next_entry_on:
        this.entries
          .map((e) => e.op.effective_on)
          .filter((d) => d > today)
          .sort()[0] ?? null,
      posted_rent_due: [
        ...new Set(
          this.entries.flatMap(({ op }) =>
            op.kind === 'charge' && op.charge_type === 'rent' && op.due_on >= today ? [op.due_on] : [],
          ),
        ),
      ],
      balance_cents,
      unapplied_credit_cents,
      holds: [],
      contact: reachableTenant(),
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Charges by due date then posting order; other entries (no due date) sort by posting order. */
function byDueThenSeq(a: Entry, b: Entry): number {
  const da = a.op.kind === 'charge' ? a.op.due_on : '';
  const db = b.op.kind === 'charge' ? b.op.due_on : '';
  return compare(da, db) || a.seq - b.seq;
}

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
