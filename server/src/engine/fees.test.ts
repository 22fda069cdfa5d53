import { PolicyDocument } from '@arrears/shared';
import type { LeaseFacts } from './facts.ts';
import { EngineHarness, leaseFacts, rent } from './testing/facts-fixture.ts';

const policy = PolicyDocument.parse({
  id: 'fees',
  name: 'fees',
  levels: [{ id: 'L1', days: { min: 1 } }],
  late_fees: { enabled: true },
});

const daily: LeaseFacts['lease']['late_fee'] = { kind: 'daily', initial_cents: 2_000, daily_cents: 500 };

function facts(today: string, movedOutOn: string | null): LeaseFacts {
  const base = leaseFacts(today, { open_charges: [rent('2026-07-01')] });
  return { ...base, lease: { ...base.lease, grace_days: 2, late_fee: daily, moved_out_on: movedOutOn } };
}

const feeDays = (engine: EngineHarness) => engine.ofType('late_fee').map((f) => f.payload.on);

test('daily late fees accrue up to the move-out day and stop after it', () => {
  const engine = new EngineHarness(policy);
  for (const day of ['2026-07-04', '2026-07-05', '2026-07-06']) engine.evaluate(facts(day, null));
  // The tenant moved out on Jul 8; the next evaluations come on Jul 8 and Jul 12.
  engine.evaluate(facts('2026-07-08', '2026-07-08'));
  engine.evaluate(facts('2026-07-12', '2026-07-08'));
  expect(feeDays(engine)).toEqual(['2026-07-04', '2026-07-05', '2026-07-06', '2026-07-07', '2026-07-08']);
});

test('a move-out before the fee day posts no fee at all; one recorded late leaves earlier fees standing', () => {
  const gone = new EngineHarness(policy);
  gone.evaluate(facts('2026-07-10', '2026-07-02'));
  expect(feeDays(gone)).toEqual([]);

  const late = new EngineHarness(policy);
  late.evaluate(facts('2026-07-05', null));
  // The move-out on Jul 4 is only recorded on Jul 9: Jul 4 and 5's fees stand, nothing after.
  late.evaluate(facts('2026-07-09', '2026-07-04'));
  expect(feeDays(late)).toEqual(['2026-07-04', '2026-07-05']);
});

test('daily accrual goes on past 30 days for a period Arrears charged; an old period of the previous system gets none', () => {
  const engine = new EngineHarness(policy);
  // Evaluated every day from the first fee day (Jul 4) through Aug 20: 48 fee days.
  for (
    let d = new Date('2026-07-04T12:00:00Z');
    d <= new Date('2026-08-20T12:00:00Z');
    d.setUTCDate(d.getUTCDate() + 1)
  )
    engine.evaluate(facts(d.toISOString().slice(0, 10), null));
  expect(feeDays(engine)).toHaveLength(48);
  expect(feeDays(engine).at(-1)).toBe('2026-08-20');

  // First seen on Aug 20 (the rent came with an imported ledger): its fees were the old system's.
  const imported = new EngineHarness(policy);
  imported.evaluate(facts('2026-08-20', null));
  expect(feeDays(imported)).toEqual([]);
});

test('after a long downtime only the last 30 days of daily accrual are caught up', () => {
  const engine = new EngineHarness(policy);
  engine.evaluate(facts('2026-07-04', null));
  // Down from Jul 5 until Aug 20: Jul 21..Aug 20 are caught up, Jul 5..Jul 20 are not.
  engine.evaluate(facts('2026-08-20', null));
  const days = feeDays(engine);
  expect(days[0]).toBe('2026-07-04');
  expect(days[1]).toBe('2026-07-21');
  expect(days.at(-1)).toBe('2026-08-20');
  expect(days).toHaveLength(1 + 31);
});
