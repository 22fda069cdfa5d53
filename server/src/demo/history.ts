// One lease's ledger history, simulated month by month from its behaviour archetype.
import type { ChargeType, LedgerEvent } from '@arrears/shared';
import type { Rng } from './random.ts';
import type { DemoLease } from './types.ts';
export type Archetype = 'on_time' | 'late' | 'partial' | 'nsf' | 'delinquent' | 'moved_out';
export const SHARES: [Archetype, number][] = [
  ['late', 0.14],
  ['partial', 0.1],
  ['nsf', 0.08],
  ['delinquent', 0.08],
  ['moved_out', 0.05],
];

/** Fixed quotas, shuffled: every seed gets the same mix, so every seed shows every behaviour. */
export function archetypes(count: number, rng: Rng): Archetype[] {
  const list: Archetype[] = SHARES.flatMap(([a, share]) =>
    Array<Archetype>(Math.max(1, Math.round(count * share))).fill(a),
  );
  return rng.shuffle([...list, ...Array<Archetype>(count - list.length).fill('on_time')]);
}

// Months are counted as year * 12 + month index; days may overflow (Date.UTC normalises).
export const dateOf = (month: number, day: number): string =>
  new Date(Date.UTC(Math.floor(month / 12), month % 12, day)).toISOString().slice(0, 10);
export const monthKey = (month: number): string => dateOf(month, 1).slice(0, 7);
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
export const dollars = (cents: number): number => Math.max(100, Math.round(cents / 100) * 100);
export const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[^a-zA-Z]/g, '')
    .toLowerCase();

export interface LeasePlan {
  lease: DemoLease;
  archetype: Archetype;
  commercial: boolean;
  from: number;
  to: number;
  end: number;
  /** Delinquent leases stop paying for this many final months. */
  stopMonths: number;
}

/**
 * One lease's ledger month by month, tracking what the tenant owes so that every payment
 * pays a plausible amount. Fees follow the lease's own terms.
 */
export function simulateLedger(plan: LeasePlan, rng: Rng): { events: LedgerEvent[]; wroteOff: boolean } {
  const { lease, archetype, commercial, from, to, end } = plan;
  const events: LedgerEvent[] = [];
  const id = lease.id;
  const rent = lease.rent_cents;
  let owed = 0;
  const base = (key: string, on: string, amount: number, memo?: string) => ({
    lease_id: id,
    external_id: `${id}-${key}`,
    amount_cents: amount,
    effective_on: on,
    ...(memo ? { memo } : {}),
  });
  const charge = (type: ChargeType, on: string, amount: number, key: string, memo?: string): void => {
    events.push({ kind: 'charge', charge_type: type, due_on: on, ...base(key, on, amount, memo) });
    owed += amount;
  };
  const credit = (kind: 'payment' | 'credit' | 'write_off', on: string, amount: number, key: string, memo?: string) => {
    events.push({ kind, ...base(key, on, amount, memo) });
    owed -= amount;
  };
  const fee = lease.late_fee;
  const initialFee =
    fee.kind === 'flat'
      ? fee.amount_cents
      : fee.kind === 'percent'
        ? Math.round((rent * fee.bps) / 10_000)
        : fee.initial_cents;
  const lateDay = lease.due_day + lease.grace_days + 1;
  const start = Math.max(from, monthOf(lease.starts_on));
  const unpaidFrom =
    archetype === 'delinquent' ? to - plan.stopMonths + 1 : archetype === 'moved_out' ? end - rng.int(0, 1) : Infinity;
  const nsfMonths = new Set(archetype === 'nsf' ? rng.shuffle(range(start, end)).slice(0, rng.int(1, 3)) : []);
  let nsfCount = 0;

  for (let m = start; m <= end; m++) {
    const key = monthKey(m);
    const due = dateOf(m, lease.due_day);
    charge('rent', due, rent, `RENT-${key}`);
    if (commercial) charge('other', due, dollars(rent * 0.08), `CAM-${key}`, 'Common area maintenance');
    else if (rng.chance(0.04)) charge('utilities', due, rng.int(40, 160) * 100, `UTIL-${key}`, 'Water and sewer');
    const moveInSpecial = m === start && m > from && rng.chance(0.5);
    if (moveInSpecial || rng.chance(0.006)) {
      const share = moveInSpecial ? 0.5 : rng.int(10, 30) / 100;
      credit(
        'credit',
        due,
        dollars(rent * share),
        `CREDIT-${key}`,
        moveInSpecial ? 'Move-in concession' : 'Concession',
      );
    }
    if (m >= unpaidFrom) {
      if (owed > 0) charge('late_fee', dateOf(m, lateDay), initialFee, `LATE-${key}`, 'Late fee');
      continue;
    }
    if (nsfMonths.has(m) && owed > 0) {
      // A returned payment re-opens what it paid at the original age, plus the bank fee.
      const day = rng.int(1, lease.grace_days);
      const amount = owed;
      credit('payment', dateOf(m, day), amount, `PAY-${key}`);
      const returnedOn = dateOf(m, day + rng.int(3, 6));
      const memo = 'Returned: insufficient funds';
      events.push({
        kind: 'reversal',
        reverses: `${id}-PAY-${key}`,
        reason: 'nsf',
        ...base(`NSF-${key}`, returnedOn, amount, memo),
      });
      owed += amount;
      charge('nsf_fee', returnedOn, nsfCount++ === 0 ? 2500 : 3500, `NSFFEE-${key}`, 'Returned payment fee');
      if (rng.chance(0.85)) credit('payment', addDays(returnedOn, rng.int(2, 8)), owed, `PAY-${key}-R`);
      continue;
    }
    let day = rng.int(1, Math.min(3, lease.grace_days));
    let share = 1;
    if (archetype === 'late' && rng.chance(0.7)) day = lease.due_day + rng.int(5, 25);
    if (archetype === 'partial' && rng.chance(0.7)) share = rng.int(50, 90) / 100;
    const pay = () => {
      const amount = share === 1 ? owed : Math.min(owed, dollars(owed * share));
      if (amount > 0) credit('payment', dateOf(m, day), amount, `PAY-${key}`);
    };
    if (day < lateDay) pay();
    if (owed > 0) {
      charge('late_fee', dateOf(m, lateDay), initialFee, `LATE-${key}`, 'Late fee');
      if (fee.kind === 'daily' && day > lateDay) {
        const accrued = Math.min(fee.cap_cents - fee.initial_cents, fee.daily_cents * (day - lateDay));
        if (accrued > 0) charge('late_fee', dateOf(m, day), accrued, `LATE-${key}-D`, 'Daily late fee');
      }
    }
    if (day >= lateDay) pay();
  }

  let wroteOff = false;
  if (archetype === 'moved_out' && lease.moved_out_on) {
    // The deposit goes against the final balance; much of the rest is never collected.
    if (owed > 0)
      credit('credit', addDays(lease.moved_out_on, 21), Math.min(owed, rent), 'DEPOSIT', 'Security deposit applied');
    if (owed > 0 && rng.chance(0.6)) {
      credit('write_off', addDays(lease.moved_out_on, rng.int(60, 120)), owed, 'WRITEOFF', 'Bad debt write-off');
      wroteOff = true;
    }
  }
  return { events, wroteOff };
}

export const monthOf = (date: string): number => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
export const range = (a: number, b: number): number[] =>
  Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
