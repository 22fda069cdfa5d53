import type { ChargeType, LateFeeTerms } from '@arrears/shared';
import type { LeaseFacts } from '../facts.ts';
import { rentFirstOpenCharges, type LedgerCharge, type LedgerMoney } from '../rent-first.ts';
import { reachableTenant } from './facts-fixture.ts';

/**
 * The in-memory ledger of ONE lease for the engine's model runs (ledger-model.ts drives it): it
 * posts and allocates as production ingest does (server/src/ledger/allocate.ts, merge.ts) and
 * reads the lease's facts as the loader does (escalation/facts.ts), rent-first.
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
