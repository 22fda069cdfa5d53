import type { LedgerEvent } from '@arrears/shared';

/** The last month of generated history; scans age "as of" its last day. */
export const END_MONTH = 2026 * 12 + 2; // March 2026 (months counted from year 0, January = 0)
export const AS_OF = '2026-03-31';
export const LEASES_PER_PROPERTY = 100;

/** mulberry32: small, fast and deterministic, so every run generates the same portfolio. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pad = (n: number, width: number) => String(n).padStart(width, '0');
const EPOCH = Date.UTC(2015, 0, 1);
const dayStrings: string[] = [];
/** Days since 2015-01-01 as YYYY-MM-DD, memoised: generation formats millions of dates. */
function day(n: number): string {
  return (dayStrings[n] ??= new Date(EPOCH + n * 86_400_000).toISOString().slice(0, 10));
}
const dayOf = (month: number, dom: number) =>
  Math.round((Date.UTC(Math.floor(month / 12), month % 12, dom) - EPOCH) / 86_400_000);

export interface LeaseSpec {
  index: number;
  id: string;
  property: string;
  rent: number;
  dueDay: number;
  grace: number;
  /** How reliably the tenant pays: most pay on time, some are slow, a few are in trouble. */
  payer: 'good' | 'slow' | 'bad';
}

export const TIMEZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Phoenix',
];
export const STATES = ['US-NY', 'US-IL', 'US-CO', 'US-CA', 'US-AZ', 'US-TX', 'US-FL', 'US-WA'];

export function leaseSpec(index: number): LeaseSpec {
  const r = rng(0x5eed ^ Math.imul(index + 1, 0x9e3779b1));
  const p = r();
  return {
    index,
    id: `L${pad(index + 1, 7)}`,
    property: `P${pad(Math.floor(index / LEASES_PER_PROPERTY) + 1, 5)}`,
    rent: 90_000 + Math.floor(r() * 260) * 1_000,
    dueDay: r() < 0.85 ? 1 : r() < 0.5 ? 5 : 15,
    grace: r() < 0.7 ? 5 : 3,
    payer: p < 0.82 ? 'good' : p < 0.96 ? 'slow' : 'bad',
  };
}

export interface GenerateOptions {
  /** Occasional NSF returns (a reversal and an NSF fee); off for loads that bypass ingest. */
  reversals: boolean;
}

const PAYMENT_MEMOS = ['ACH', 'portal', 'check', 'money order', undefined, undefined];

/**
 * One lease's history from month `from` through END_MONTH: rent on the due day, utilities now
 * and then, a payment (on time, late, partial or missing according to the payer), late fees
 * when unpaid after grace, rare concessions, write-offs and NSF returns.
 */
function history(lease: LeaseSpec, from: number, options: GenerateOptions): LedgerEvent[] {
  const r = rng(0xbead ^ Math.imul(lease.index + 1, 0x85ebca6b));
  const out: LedgerEvent[] = [];
  let owed = 0;
  for (let month = from; month <= END_MONTH; month++) {
    const tag = `${lease.id}-${Math.floor(month / 12)}${pad((month % 12) + 1, 2)}`;
    const due = dayOf(month, lease.dueDay);
    const events: { at: number; event: LedgerEvent }[] = [];
    const charge = (kind: 'rent' | 'utilities' | 'late_fee' | 'nsf_fee', suffix: string, at: number, cents: number) => {
      owed += cents;
      const event: LedgerEvent = {
        kind: 'charge',
        charge_type: kind,
        lease_id: lease.id,
        external_id: `${tag}-${suffix}`,
        amount_cents: cents,
        effective_on: day(at),
        ...(r() < 0.5 ? { due_on: day(at) } : {}),
      };
      events.push({ at, event });
    };
    const thisMonth = lease.rent + (r() < 0.3 ? 2_500 + Math.floor(r() * 120) * 100 : 0);
    charge('rent', 'rent', due, lease.rent);
    if (thisMonth > lease.rent) charge('utilities', 'util', due, thisMonth - lease.rent);
    const pays = r() < (lease.payer === 'good' ? 0.97 : lease.payer === 'slow' ? 0.75 : 0.35);
    const late = !pays || r() < (lease.payer === 'good' ? 0.05 : 0.5);
    const paidAt = due + (late ? lease.grace + 1 + Math.floor(r() * 20) : Math.floor(r() * (lease.grace + 1)));
    if (late && r() < 0.8)
      charge('late_fee', 'late', due + lease.grace + 1, Math.max(2_500, Math.round(lease.rent / 20)));
    if (pays) {
      const full = lease.payer === 'good' || r() < 0.4;
      const cents = Math.max(
        100,
        full ? Math.max(thisMonth, Math.min(owed, thisMonth * 2)) : Math.round(owed * (0.3 + r() * 0.6)),
      );
      owed -= cents;
      const memo = PAYMENT_MEMOS[Math.floor(r() * PAYMENT_MEMOS.length)];
      events.push({
        at: paidAt,
        event: {
          kind: 'payment',
          lease_id: lease.id,
          external_id: `${tag}-pay`,
          amount_cents: cents,
          effective_on: day(paidAt),
          ...(memo ? { memo } : {}),
        },
      });
      if (options.reversals && r() < 0.004) {
        const at = paidAt + 3 + Math.floor(r() * 4);
        owed += cents;
        events.push({
          at,
          event: {
            kind: 'reversal',
            lease_id: lease.id,
            external_id: `${tag}-rev`,
            amount_cents: cents,
            effective_on: day(at),
            reverses: `${tag}-pay`,
            reason: 'nsf',
          },
        });
        charge('nsf_fee', 'nsf', at, 3_500);
      }
    }
    if (r() < 0.01) {
      const cents = 2_500 + Math.floor(r() * 175) * 100;
      owed -= cents;
      const event: LedgerEvent = {
        kind: 'credit',
        lease_id: lease.id,
        external_id: `${tag}-cr`,
        amount_cents: cents,
        effective_on: day(due + 10),
        memo: 'concession',
      };
      events.push({ at: due + 10, event });
    }
    if (lease.payer === 'bad' && owed > 0 && r() < 0.03) {
      const cents = Math.min(owed, lease.rent);
      owed -= cents;
      events.push({
        at: due + 27,
        event: {
          kind: 'write_off',
          lease_id: lease.id,
          external_id: `${tag}-wo`,
          amount_cents: cents,
          effective_on: day(due + 27),
        },
      });
    }
    events.sort((a, b) => a.at - b.at);
    for (const { event } of events) out.push(event);
  }
  return out;
}

const effect = (e: LedgerEvent) =>
  e.kind === 'charge' || e.kind === 'reversal' ? (e.amount_cents ?? 0) : -(e.amount_cents ?? 0);

/**
 * The newest `budget` events of a lease's history (which ends in the as-of month), as an
 * export from some date on has them: the first becomes the balance brought forward, so
 * balances match the full history, and a reversal whose payment fell before the cut becomes
 * the charge it amounts to (the returned payment is owed again).
 */
export function leaseEvents(lease: LeaseSpec, budget: number, options: GenerateOptions): LedgerEvent[] {
  let months = Math.max(1, Math.ceil(budget / 2.3));
  let all = history(lease, END_MONTH - months + 1, options);
  while (all.length < budget) {
    months += Math.ceil((budget - all.length) / 2) + 1;
    all = history(lease, END_MONTH - months + 1, options);
  }
  const cut = all.length - budget;
  const forward = all.slice(0, cut + 1).reduce((sum, e) => sum + effect(e), 0);
  const first = all[cut]!;
  const opening: LedgerEvent =
    forward > 0
      ? {
          kind: 'charge',
          charge_type: 'other',
          lease_id: lease.id,
          external_id: `${lease.id}-bf`,
          amount_cents: forward,
          effective_on: first.effective_on,
          memo: 'balance forward',
        }
      : {
          kind: 'credit',
          lease_id: lease.id,
          external_id: `${lease.id}-bf`,
          amount_cents: Math.max(1, -forward),
          effective_on: first.effective_on,
          memo: 'balance forward',
        };
  const kept = [opening, ...all.slice(cut + 1)];
  const ids = new Set(kept.map((e) => e.external_id));
  return kept.map((e) =>
    e.kind === 'reversal' && !ids.has(e.reverses)
      ? {
          kind: 'charge',
          charge_type: 'other',
          lease_id: e.lease_id,
          external_id: e.external_id,
          amount_cents: e.amount_cents ?? 3_500,
          effective_on: e.effective_on,
          memo: 'returned payment',
        }
      : e,
  );
}

/** `rows` events spread evenly over `leases` leases, lease by lease. */
export function* portfolioEvents(leases: number, rows: number, options: GenerateOptions): Generator<LedgerEvent> {
  for (let i = 0; i < leases; i++) {
    const budget = Math.floor(((i + 1) * rows) / leases) - Math.floor((i * rows) / leases);
    if (budget > 0) yield* leaseEvents(leaseSpec(i), budget, options);
  }
}

/** The same events in the order an accounting system's feed delivers them: by posting date. */
export function chronologicalEvents(leases: number, rows: number, options: GenerateOptions): LedgerEvent[] {
  const events = [...portfolioEvents(leases, rows, options)];
  return events.sort((a, b) => (a.effective_on < b.effective_on ? -1 : a.effective_on > b.effective_on ? 1 : 0));
}
