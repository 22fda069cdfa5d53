import fc from 'fast-check';
import { businessDayOnOrAfter } from '../compliance/calendar/index.ts';
import { addCalendarDays, daysBetweenDates, zonedInstant } from '../time/zoned.ts';
import { addDays, businessDayFrom, dayName, daysBetween, instant, instantIso } from './days.ts';
import type { KnownEffect } from './facts.ts';
import { KnownEffects } from './known.ts';
import { nextRentDueOn, rentDueOn } from './reminders.ts';

/**
 * The engine's hot-path helpers against what they replace: the same answer for every input,
 * canonical or not (days.ts, known.ts, reminders.ts). decide() itself is held to its earlier
 * behaviour by the other engine tests and the acceptance scenarios' byte-for-byte reports.
 */

const SEED = 20_261_201;
const ZONES = ['America/Los_Angeles', 'America/New_York', 'America/Chicago', 'America/Phoenix', 'UTC'];

function outcome<T>(f: () => T): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

const canonicalDay = fc
  .integer({ min: -800_000, max: 3_000_000 })
  .map((n) => addCalendarDays('1970-01-01', n))
  .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
const oddDay = fc.oneof(
  fc.constantFrom('2026-02-30', '2026-13-01', '2026-00-10', '0000-01-01', '9999-12-31', '2026-1-01', '', 'x'),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
);
const anyDay = fc.oneof(canonicalDay, canonicalDay, oddDay);
const dayCount = fc.oneof(fc.integer({ min: -400, max: 400 }), fc.constantFrom(0.5, -1.5, 2 ** 31, NaN));

test('addDays, daysBetween and dayName answer as addCalendarDays and daysBetweenDates', () => {
  fc.assert(
    fc.property(anyDay, anyDay, dayCount, (a, b, n) => {
      expect(addDays(a, n)).toBe(addCalendarDays(a, n));
      expect(daysBetween(a, b)).toBe(daysBetweenDates(a, b));
    }),
    { seed: SEED, numRuns: 3_000 },
  );
  for (const n of [-1, 0, 1, 20_000, 65_743, 65_744, 10 ** 7])
    expect(dayName(n)).toBe(addCalendarDays('1970-01-01', n));
});

test('instant and instantIso answer as zonedInstant, DST days included', () => {
  const time = fc.oneof(
    fc.constantFrom('00:00', '01:30', '02:00', '02:30', '09:00', '23:59', '10:00:30', '24:00', '9:00'),
    fc.stringMatching(/^\d{2}:\d{2}$/).filter((t) => Number(t.slice(0, 2)) < 24 && Number(t.slice(3)) < 60),
  );
  const day = fc.oneof(
    fc.integer({ min: 19_700, max: 21_500 }).map((n) => addCalendarDays('1970-01-01', n)),
    fc.constantFrom('2026-03-08', '2026-11-01', '2025-03-09', '2025-11-02'),
  );
  fc.assert(
    fc.property(day, time, fc.constantFrom(...ZONES), (d, t, zone) => {
      // Malformed times fail (RangeError) in both.
      expect(outcome(() => instant(d, t, zone).getTime())).toEqual(outcome(() => zonedInstant(d, t, zone).getTime()));
      expect(outcome(() => instantIso(d, t, zone))).toEqual(outcome(() => zonedInstant(d, t, zone).toISOString()));
      if (outcome(() => instant(d, t, zone)).ok) expect(instant(d, t, zone)).not.toBe(instant(d, t, zone));
    }),
    { seed: SEED, numRuns: 1_500 },
  );
});

test('businessDayFrom answers as businessDayOnOrAfter, and fails as it does', () => {
  for (let n = 20_000; n < 20_800; n += 3) {
    const day = addCalendarDays('1970-01-01', n);
    expect(businessDayFrom(day, 'US')).toBe(businessDayOnOrAfter(day, 'US'));
    expect(businessDayFrom(day, 'US')).toBe(businessDayOnOrAfter(day, 'US'));
  }
  expect(() => businessDayFrom('1800-01-01', 'US')).toThrow();
});

test('rentDueOn and nextRentDueOn answer as the string arithmetic they replace', () => {
  const original = (month: string, dueDay: number) => {
    const y = Number(month.slice(0, 4));
    const m = Number(month.slice(5, 7));
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const last = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
    return `${month.slice(0, 7)}-${String(Math.min(dueDay, last)).padStart(2, '0')}`;
  };
  const dueDay = fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(0, -3, 32, 1.5, NaN));
  fc.assert(
    fc.property(anyDay, dueDay, (day, due) => {
      expect(rentDueOn(day, due)).toBe(original(day, due));
      expect(nextRentDueOn(day, due)).toBe(original(addCalendarDays(`${day.slice(0, 7)}-28`, 7), due));
    }),
    { seed: SEED, numRuns: 3_000 },
  );
});

// ---------------------------------------------------------------------------------------------
// KnownEffects against the Map the engine used to build: random reads and writes, duplicate keys.

const effect = (key: string, status: string, n: number): KnownEffect => ({
  key,
  type: n % 3 === 0 ? 'notice' : 'email',
  status,
  step_id: null,
  anchor_due_on: null,
  request_id: null,
  drafted_by: null,
  due_at: `2026-01-0${(n % 9) + 1}T00:00:00.000Z`,
  payload: { n },
});

type Op =
  | { op: 'get' | 'has'; key: string }
  | { op: 'create'; key: string; status: string }
  | { op: 'update'; key: string; status: string }
  | { op: 'some' | 'find' | 'each' | 'values'; status: string };

test('KnownEffects answers every read as a Map built from the list and updated in call order', () => {
  const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'aa', 'bb');
  const status = fc.constantFrom('sent', 'scheduled', 'cancelled', 'posted');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constantFrom('get' as const, 'has' as const), key }),
    fc.record({ op: fc.constantFrom('create' as const, 'update' as const), key, status }),
    fc.record({ op: fc.constantFrom('some' as const, 'find' as const, 'each' as const, 'values' as const), status }),
  );
  const list = fc.array(fc.tuple(key, status), { maxLength: 40 });
  fc.assert(
    fc.property(list, fc.array(op, { maxLength: 60 }), (entries, ops) => {
      const base = entries.map(([k, s], i) => effect(k, s, i));
      const model = new Map<string, KnownEffect>();
      for (const e of base) model.set(e.key, e);
      const known = new KnownEffects(base);
      let n = 1_000;
      for (const o of ops) {
        const test = (e: KnownEffect) => 'status' in o && e.status === o.status;
        switch (o.op) {
          case 'get':
            expect(known.get(o.key)).toBe(model.get(o.key));
            break;
          case 'has':
            expect(known.has(o.key)).toBe(model.has(o.key));
            break;
          case 'create':
            // decide()'s create: only a key not on record.
            if (known.has(o.key)) break;
            model.set(o.key, effect(o.key, o.status, n));
            known.add(model.get(o.key)!);
            n++;
            break;
          case 'update': {
            const was = known.get(o.key);
            if (!was) break;
            model.set(o.key, { ...was, status: o.status });
            known.set(model.get(o.key)!);
            break;
          }
          case 'some':
            expect(known.some(test)).toBe([...model.values()].some(test));
            expect(known.mightSome(test) || !known.some(test)).toBe(true);
            break;
          case 'find':
            expect(known.find(test)).toBe([...model.values()].find(test));
            break;
          case 'each': {
            const seen: KnownEffect[] = [];
            known.each(test, (e) => seen.push(e));
            expect(new Set(seen)).toEqual(new Set([...model.values()].filter(test)));
            expect(seen.length).toBe([...model.values()].filter(test).length);
            break;
          }
          case 'values':
            expect([...known.values()]).toEqual([...model.values()]);
            break;
        }
      }
      expect([...known.values()]).toEqual([...model.values()]);
    }),
    { seed: SEED, numRuns: 2_000 },
  );
});
