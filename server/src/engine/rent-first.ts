import type { ChargeType } from '@arrears/shared';
import type { LeaseFacts } from './facts.ts';

/** A charge as the ledger holds it (effective by the day asked about). */
export interface LedgerCharge {
  /** Posting order (the ledger entry's id). */
  seq: number;
  external_id: string;
  charge_type: ChargeType;
  due_on: string;
  effective_on: string;
  amount_cents: number;
}

/** A payment, credit, write-off or reversal as the ledger holds it (effective by that day). */
export interface LedgerMoney {
  seq: number;
  external_id: string;
  kind: 'payment' | 'credit' | 'write_off' | 'reversal';
  amount_cents: number;
  effective_on: string;
  /** A reversal's payment. */
  reverses?: string;
  source?: 'arrears';
}

/**
 * A dispute in force, as the replay needs it: the local day it was entered and the amount it
 * names. A dispute names an amount, not charges: it covers the charges open at the end of the day
 * it was entered, oldest due first and, among charges due the same day, rent last (what tenants
 * dispute is most often a fee, CAM or a utility charge posted with the rent), up to its amount.
 * Charges posted later are never covered, so new rent is escalated on its own.
 */
export interface LedgerDispute {
  entered_on: string;
  amount_cents: number;
}

/** Late and NSF fees: paid after every other charge, whatever their due dates. */
export function isFee(type: ChargeType): boolean {
  return type === 'late_fee' || type === 'nsf_fee';
}

/** What a credit Arrears posted to take back one of its fees is keyed by (escalation/dispatch.ts). */
const FEE_REVERSAL_SUFFIX = ':reversed';

/**
 * The charges still open as escalation reads the ledger: money pays rent (and every other
 * non-fee charge) before late and NSF fees. The ledger itself allocates oldest due first, so
 * the month's rent paid on time after last month's unpaid late fee first pays that fee and
 * leaves part of the rent "open" — a lease that looks current on its due day, restarts its
 * ladder every month and draws a late fee on rent that was paid (fee pyramiding). Read
 * rent-first, the fee is what stays unpaid, at its own age.
 *
 * The replay runs in effective order (on one day, charges before money, so the rent due that
 * day is there to pay), then posting order. Each payment, credit or write-off pays the open
 * charges rent-first when it arrives; money left over waits for the next charges, and until a
 * payment is used up what it put toward fees is re-applied rent-first whenever a charge arrives
 * (a payment made before the rent posted, while a fee was open, pays that rent when it posts).
 * A payment used up is settled: money that paid a fee while no rent was open stays with the fee.
 * A reversal takes back exactly its payment's amounts. A credit Arrears posted to reverse one of
 * its fees pays that fee first.
 *
 * A dispute in force (`disputes`) takes the cents it covers out of what money pays: escalation
 * acts on the undisputed amount only, so money pays what is not disputed, on any charge, and
 * what is left waits as credit; a tenant paying exactly the undisputed amount is current.
 *
 * Returns the open charges, oldest due first then posting order (fees among them by due date
 * too), with their amounts, what is open of each and, of that, what a dispute covers.
 */
export function rentFirstOpenCharges(
  charges: readonly LedgerCharge[],
  money: readonly LedgerMoney[],
  disputes: readonly LedgerDispute[] = [],
): LeaseFacts['open_charges'] {
  const open = charges.map((c) => c.amount_cents);
  /** Cents of each charge a dispute covers: money pays them last (only an Arrears fee credit pays them). */
  const disputed = charges.map(() => 0);
  /** Charge indexes in payment priority: non-fee charges by due date, then fees by due date. */
  const priority = charges
    .map((_, i) => i)
    .sort((a, b) => {
      const x = charges[a]!;
      const y = charges[b]!;
      const fx = isFee(x.charge_type) ? 1 : 0;
      const fy = isFee(y.charge_type) ? 1 : 0;
      return fx - fy || compare(x.due_on, y.due_on) || x.seq - y.seq;
    });
  const byExternalId = new Map(charges.map((c, i) => [c.external_id, i]));
  /** Charge indexes in the order a dispute covers them: oldest due first, on one day rent last. */
  const coverOrder = charges
    .map((_, i) => i)
    .sort((a, b) => {
      const x = charges[a]!;
      const y = charges[b]!;
      const rx = x.charge_type === 'rent' ? 1 : 0;
      const ry = y.charge_type === 'rent' ? 1 : 0;
      return compare(x.due_on, y.due_on) || rx - ry || x.seq - y.seq;
    });
  type Entry = { charge: number } | { money: LedgerMoney } | { dispute: LedgerDispute; seq: number };
  const timeline: Entry[] = [
    ...charges.map((_, charge) => ({ charge })),
    ...money.map((m) => ({ money: m })),
    ...disputes.map((dispute, seq) => ({ dispute, seq })),
  ];
  const dayOf = (t: Entry) =>
    'charge' in t ? charges[t.charge]!.effective_on : 'money' in t ? t.money.effective_on : t.dispute.entered_on;
  // A dispute comes after its day's charges and money: it covers what is open at the end of that day.
  const rank = (t: Entry) => ('charge' in t ? 0 : 'dispute' in t ? 3 : t.money.kind === 'reversal' ? 2 : 1);
  const seqOf = (t: Entry) => ('charge' in t ? charges[t.charge]!.seq : 'money' in t ? t.money.seq : t.seq);
  timeline.sort((a, b) => compare(dayOf(a), dayOf(b)) || rank(a) - rank(b) || seqOf(a) - seqOf(b));

  interface Paying {
    entry: LedgerMoney;
    /** Charge index → cents this money pays of it. */
    applied: Map<number, number>;
    left: number;
    target: number | undefined;
  }
  const posted = new Map<string, Paying>();
  const unsettled: Paying[] = [];
  const present = new Array<boolean>(charges.length).fill(false);

  /** Takes back what `p` pays (only of fees, with `feesOnly`): it is left to pay again. */
  const release = (p: Paying, feesOnly: boolean) => {
    for (const [i, cents] of p.applied) {
      if (feesOnly && !isFee(charges[i]!.charge_type)) continue;
      open[i]! += cents;
      p.left += cents;
      p.applied.delete(i);
    }
  };
  const apply = (p: Paying, i: number) => {
    // Money pays only what is not disputed; an Arrears credit taking back its own fee pays that fee whole.
    const payable = p.target === i ? open[i]! : open[i]! - Math.min(open[i]!, disputed[i]!);
    if (!present[i] || p.left === 0 || payable <= 0) return;
    const cents = Math.min(p.left, payable);
    open[i]! -= cents;
    p.left -= cents;
    p.applied.set(i, (p.applied.get(i) ?? 0) + cents);
  };
  /**
   * Every unsettled payment, oldest first, pays rent-first again what it had put toward fees
   * plus what it has left (what it pays of rent stays: the ledger's own order among non-fee
   * charges, so a returned payment re-opens its charge at its age); the used-up ones settle.
   */
  const settle = () => {
    for (const p of unsettled) release(p, true);
    for (let k = 0; k < unsettled.length; k++) {
      const p = unsettled[k]!;
      if (p.target !== undefined) apply(p, p.target);
      for (const i of priority) {
        if (p.left === 0) break;
        apply(p, i);
      }
      if (p.left === 0) unsettled.splice(k--, 1);
    }
  };

  for (const t of timeline) {
    if ('charge' in t) {
      present[t.charge] = true;
    } else if ('dispute' in t) {
      // It names an amount, not charges: it covers what is open when it is entered, in cover order.
      let left = t.dispute.amount_cents;
      for (const i of coverOrder) {
        if (left === 0) break;
        if (!present[i]) continue;
        const cents = Math.min(left, open[i]! - Math.min(open[i]!, disputed[i]!));
        disputed[i]! += cents;
        left -= cents;
      }
    } else if (t.money.kind !== 'reversal') {
      const target = t.money.source === 'arrears' && t.money.external_id.endsWith(FEE_REVERSAL_SUFFIX);
      const p: Paying = {
        entry: t.money,
        applied: new Map(),
        left: t.money.amount_cents,
        target: target ? byExternalId.get(t.money.external_id.slice(0, -FEE_REVERSAL_SUFFIX.length)) : undefined,
      };
      posted.set(t.money.external_id, p);
      unsettled.push(p);
    } else {
      // The ledger refuses a reversal of anything but a payment it holds, and reverses a payment once.
      const p = t.money.reverses === undefined ? undefined : posted.get(t.money.reverses);
      if (!p) continue;
      posted.delete(t.money.reverses!);
      release(p, false);
      p.left = 0;
      const k = unsettled.indexOf(p);
      if (k >= 0) unsettled.splice(k, 1);
    }
    settle();
  }

  const result: LeaseFacts['open_charges'] = [];
  const order = charges
    .map((_, i) => i)
    .sort((a, b) => compare(charges[a]!.due_on, charges[b]!.due_on) || charges[a]!.seq - charges[b]!.seq);
  for (const i of order) {
    if (open[i]! <= 0) continue;
    const c = charges[i]!;
    const covered = Math.min(open[i]!, disputed[i]!);
    result.push({
      external_id: c.external_id,
      charge_type: c.charge_type,
      due_on: c.due_on,
      amount_cents: c.amount_cents,
      open_cents: open[i]!,
      ...(covered > 0 ? { disputed_cents: covered } : {}),
    });
  }
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
