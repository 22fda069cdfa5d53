import fc from 'fast-check';
import { addCalendarDays } from '../../time/zoned.ts';
import { LATE_FEE_CENTS, RENT_CENTS, type LedgerOp, type TimedHold, type TimedOp } from './ledger-model.ts';

/**
 * Arbitrary ledgers for the properties of `decide` (decide.property.test.ts): a plan is data
 * fast-check can shrink; `materialize` turns it into the timed ledger events and holds the
 * in-memory runner (ledger-model.ts) plays.
 */

/** Days each generated run lasts. */
export const DAYS = 90;

type GenOp =
  | { t: 'payment' | 'credit' | 'write_off'; cents: number }
  /** Reverses the pick-th payment delivered so far (modulo), possibly one already reversed. */
  | { t: 'reverse'; pick: number }
  /** Delivers the pick-th event delivered so far (modulo) again, unchanged. */
  | { t: 'redeliver'; pick: number };

interface Batch {
  day: number;
  hour: number;
  ops: GenOp[];
}

/** A hold entered on `day` at `hour`, starting `back` days earlier; a manual one lasts `len` days. */
interface HoldGen {
  day: number;
  hour: number;
  kind: 'manual' | 'bankruptcy' | 'payment_in_transit';
  back: number;
  len: number | null;
}

export interface Plan {
  start: string;
  /** A rent charge already past due when the run starts (the runner meets an old delinquency). */
  arrears: boolean;
  /** Days before each due date the rent charge is posted. */
  rentLeads: number[];
  /** Per month: the early-delivered charge takes effect only on its due date (a scheduled charge). */
  scheduledRent: boolean[];
  batches: Batch[];
  holds: HoldGen[];
}

const cents = fc.oneof(
  { weight: 3, arbitrary: fc.constant(RENT_CENTS) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3_999 }).map((n) => n * 50) },
  { weight: 1, arbitrary: fc.constant(RENT_CENTS + LATE_FEE_CENTS) },
  { weight: 1, arbitrary: fc.constant(2 * RENT_CENTS) },
);

const genOp: fc.Arbitrary<GenOp> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('payment' as const), cents }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('credit' as const), cents }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('write_off' as const), cents }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('reverse' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('redeliver' as const), pick: fc.nat(40) }) },
);

export const planArb: fc.Arbitrary<Plan> = fc.record({
  // Winter, the spring-forward gap (Mar 8 2026) and the fall-back hour (Nov 1 2026).
  start: fc.constantFrom('2025-12-28', '2026-02-20', '2026-10-20'),
  arrears: fc.boolean(),
  rentLeads: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 4, maxLength: 4 }),
  scheduledRent: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  batches: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: DAYS - 1 }),
      hour: fc.integer({ min: 0, max: 23 }),
      ops: fc.array(genOp, { minLength: 1, maxLength: 4 }),
    }),
    { maxLength: 25 },
  ),
  holds: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: DAYS - 1 }),
      hour: fc.integer({ min: 0, max: 23 }),
      kind: fc.constantFrom('manual' as const, 'manual' as const, 'payment_in_transit' as const, 'bankruptcy' as const),
      back: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 })),
      len: fc.option(fc.integer({ min: 1, max: 20 }), { freq: 4 }),
    }),
    { maxLength: 2 },
  ),
});

/** The plan's holds: each entered on its day, `back` days after it starts (0: not backdated). */
export function materializeHolds(plan: Plan): TimedHold[] {
  return plan.holds.map((h, i) => {
    const day = addCalendarDays(plan.start, h.day);
    const startsOn = addCalendarDays(day, -h.back);
    return {
      day,
      at: `${pad(h.hour)}:30`,
      hold: {
        id: `H-${i + 1}`,
        kind: h.kind,
        status: 'active',
        starts_on: startsOn,
        ends_on: h.kind === 'manual' && h.len !== null ? addCalendarDays(startsOn, h.len) : null,
        recorded_on: day,
        terms: {},
        created_by: 'agent-1',
      },
    };
  });
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function materialize(plan: Plan): TimedOp[] {
  const end = addCalendarDays(plan.start, DAYS - 1);
  const timeline: { day: string; at: string; order: number; gen?: GenOp; op?: LedgerOp }[] = [];
  const rent = (due: string, effective: string): LedgerOp => ({
    kind: 'charge',
    external_id: `RENT-${due.slice(0, 7)}`,
    charge_type: 'rent',
    amount_cents: RENT_CENTS,
    due_on: due,
    effective_on: effective,
  });
  if (plan.arrears) {
    const due = `${addCalendarDays(plan.start, -20).slice(0, 7)}-01`;
    timeline.push({ day: plan.start, at: '00:30', order: -1, op: rent(due, plan.start) });
  }
  let month = 0;
  for (let due = `${plan.start.slice(0, 7)}-01`; due <= end; due = `${addCalendarDays(due, 32).slice(0, 7)}-01`) {
    if (due < plan.start) continue;
    const scheduled = plan.scheduledRent[month % plan.scheduledRent.length] ?? false;
    const posted = addCalendarDays(due, -(plan.rentLeads[month++ % plan.rentLeads.length] ?? 0));
    const day = posted < plan.start ? plan.start : posted;
    timeline.push({ day, at: '06:00', order: -1, op: rent(due, scheduled ? due : day) });
  }
  plan.batches.forEach((batch, b) =>
    batch.ops.forEach((gen, i) =>
      timeline.push({
        day: addCalendarDays(plan.start, batch.day),
        at: `${pad(batch.hour)}:${pad(5 + i)}`,
        order: b * 10 + i,
        gen,
      }),
    ),
  );
  timeline.sort((a, b) =>
    a.day < b.day ? -1 : a.day > b.day ? 1 : a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order,
  );

  const delivered: LedgerOp[] = [];
  const payments: string[] = [];
  const out: TimedOp[] = [];
  let n = 0;
  for (const item of timeline) {
    let op = item.op;
    const gen = item.gen;
    if (gen) {
      n += 1;
      switch (gen.t) {
        case 'payment':
        case 'credit':
        case 'write_off': {
          const id = `${gen.t.toUpperCase()}-${n}`;
          op = { kind: gen.t, external_id: id, amount_cents: gen.cents, effective_on: item.day };
          if (gen.t === 'payment') payments.push(id);
          break;
        }
        case 'reverse': {
          const target = payments[gen.pick % Math.max(1, payments.length)];
          if (target)
            op = { kind: 'reversal', external_id: `NSF-${n}`, reverses: target, effective_on: item.day, reason: 'nsf' };
          break;
        }
        case 'redeliver':
          op = delivered[gen.pick % Math.max(1, delivered.length)];
          break;
      }
    }
    if (!op) continue;
    delivered.push(op);
    out.push({ day: item.day, at: item.at, op });
  }
  return out;
}
