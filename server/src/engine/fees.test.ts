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
