import { addDays } from './days.ts';
import type { Hold, LeaseFacts } from './facts.ts';
import type { LedgerDispute } from './rent-first.ts';

/**
 * Holds, and how they combine (the written overlap rules):
 * 1. bankruptcy and deceased stop everything: contact, fees, legal, collections and credit.
 * 2. scra blocks legal steps, placement and credit reporting; contact and fees continue.
 * 3. manual, promise_to_pay, payment_plan and payment_in_transit pause automated contact and
 *    fees (agents' one-click contacts still go out); legal steps wait too.
 * 4. dispute never pauses: escalation continues on the undisputed amount only (the charges a
 *    dispute covers are carved out of the open charges, rent-first.ts).
 * Several holds at once: the strongest effect of each applies.
 */
export type HoldEffect = 'stop_all' | 'pause' | 'block_legal';

const EFFECT: Record<Hold['kind'], HoldEffect | null> = {
  bankruptcy: 'stop_all',
  deceased: 'stop_all',
  scra: 'block_legal',
  manual: 'pause',
  promise_to_pay: 'pause',
  payment_plan: 'pause',
  payment_in_transit: 'pause',
  dispute: null,
};

export function holdEffect(hold: Hold): HoldEffect | null {
  return EFFECT[hold.kind];
}

/** Holds in force on a day: active, started, not ended. */
export function activeHolds(facts: LeaseFacts, on: string): Hold[] {
  return facts.holds.filter(
    (hold) => hold.status === 'active' && hold.starts_on <= on && (hold.ends_on === null || hold.ends_on >= on),
  );
}

export function strongest(holds: readonly Hold[]): { effect: HoldEffect; hold: Hold } | null {
  const order: HoldEffect[] = ['stop_all', 'pause', 'block_legal'];
  for (const effect of order) {
    const hold = holds.find((h) => holdEffect(h) === effect);
    if (hold) return { effect, hold };
  }
  return null;
}

/** The SCRA hold in force today, if any: legal steps, placement and credit reporting wait. */
export function scraHold(facts: LeaseFacts): Hold | undefined {
  return activeHolds(facts, facts.today).find((hold) => hold.kind === 'scra');
}

/**
 * The disputes in force today, for the rent-first replay that carves them out of the charges
 * open when each was entered (rent-first.ts): the day entered (`recorded_on`; a backdated
 * dispute still covers only what was open when it was entered) and the amount named.
 */
export function disputesInForce(holds: readonly Hold[], today: string): LedgerDispute[] {
  return holds
    .filter(
      (hold) =>
        hold.kind === 'dispute' &&
        hold.status === 'active' &&
        hold.starts_on <= today &&
        (hold.ends_on === null || hold.ends_on >= today),
    )
    .map((hold) => ({ entered_on: hold.recorded_on ?? hold.starts_on, amount_cents: hold.terms.amount_cents ?? 0 }));
}

/** What the disputes in force cover of the open charges (never more than is open). */
export function disputedCents(facts: LeaseFacts): number {
  let sum = 0;
  for (const charge of facts.open_charges) sum += charge.disputed_cents ?? 0;
  return sum;
}

/** Of a charge's open amount, what escalation may act on. */
export function undisputedCents(charge: LeaseFacts['open_charges'][number]): number {
  return charge.open_cents - (charge.disputed_cents ?? 0);
}

/**
 * Whether a new dispute can be entered: it covers at most what is owed and not already disputed
 * when it is entered. A larger one is refused (`dispute_exceeds_balance`), not capped: the
 * amount is the tenant's claim as the agent took it down, and an excess would otherwise go
 * unnoticed (before, it silently offset the next month's rent).
 */
export function admitDispute(amountCents: number, facts: LeaseFacts): { ok: true } | { ok: false; reason: string } {
  const disputable = Math.max(0, facts.balance_cents - disputedCents(facts));
  return amountCents <= disputable ? { ok: true } : { ok: false, reason: 'dispute_exceeds_balance' };
}

/**
 * Money received for the lease from a day on: payments and credits, minus their reversals. A
 * credit Arrears posted itself (a late fee reversed) takes a fee back; nobody paid it.
 */
export function receivedSince(
  facts: LeaseFacts,
  from: string,
  through: string,
  { countReturned = false }: { countReturned?: boolean } = {},
): number {
  const reversed = new Set(
    countReturned ? [] : facts.credits.filter((c) => c.kind === 'reversal').map((c) => c.reverses),
  );
  return facts.credits
    .filter((c) => (c.kind === 'payment' || c.kind === 'credit') && c.source !== 'arrears')
    .filter((c) => !reversed.has(c.external_id))
    .filter((c) => c.effective_on >= from && c.effective_on <= through)
    .reduce((sum, c) => sum + c.amount_cents, 0);
}

export interface HoldOutcome {
  hold: Hold;
  status: 'kept' | 'broken' | 'expired';
  /** The local day the outcome happened (a broken promise: the day after the missed date). */
  on: string;
  reason: string;
}

/**
 * Whether a dated hold has ended by today. A promise or plan is kept only by paying every
 * amount by its date (a partial payment does not keep it); it breaks the day after a missed date.
 */
export function holdOutcome(hold: Hold, facts: LeaseFacts): HoldOutcome | null {
  if (hold.status !== 'active') return null;
  const schedule = hold.terms.promises ?? hold.terms.installments;
  if (schedule && (hold.kind === 'promise_to_pay' || hold.kind === 'payment_plan')) {
    let promised = 0;
    for (const item of schedule) {
      promised += item.amount_cents;
      if (item.by >= facts.today) break;
      if (receivedSince(facts, hold.starts_on, item.by) < promised) {
        // Paid in time, but a payment came back (NSF, chargeback): that is what broke it.
        const returned = receivedSince(facts, hold.starts_on, item.by, { countReturned: true }) >= promised;
        return {
          hold,
          status: 'broken',
          on: addDays(item.by, 1),
          reason: returned ? 'payment_returned' : `missed_${item.by}`,
        };
      }
    }
    const last = schedule[schedule.length - 1]!;
    const total = schedule.reduce((sum, item) => sum + item.amount_cents, 0);
    if (receivedSince(facts, hold.starts_on, facts.today) >= total || facts.balance_cents <= 0)
      return { hold, status: 'kept', on: facts.today, reason: 'paid_as_promised' };
    if (last.by < facts.today) return { hold, status: 'broken', on: addDays(last.by, 1), reason: 'missed' };
    return null;
  }
  if (
    hold.kind === 'payment_in_transit' &&
    facts.credits.some((c) => c.kind === 'payment' && c.effective_on >= hold.starts_on)
  )
    return { hold, status: 'kept', on: facts.today, reason: 'payment_cleared' };
  if (hold.ends_on !== null && hold.ends_on < facts.today)
    return { hold, status: 'expired', on: addDays(hold.ends_on, 1), reason: 'end_date' };
  return null;
}
