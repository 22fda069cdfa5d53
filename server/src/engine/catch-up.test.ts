import { PolicyDocument } from '@arrears/shared';
import { EngineHarness, leaseFacts, rent } from './testing/facts-fixture.ts';

// A step missed while the service was down is sent on recovery exactly once, or skipped with a
// recorded reason when it is too late to be useful — never silently lost, never doubled
// (user-needs.md §3.1; Invoice Ninja #637, FOSSBilling #4024).

const policy = PolicyDocument.parse({
  id: 'catch-up',
  name: 'catch-up',
  levels: [
    {
      id: 'L1',
      days: { min: 1 },
      steps: [
        { id: 'email-day-2', day: 2, action: 'email' },
        { id: 'sms-day-4', day: 4, action: 'sms', catch_up_days: 1 },
        { id: 'letter-day-9', day: 9, action: 'letter' },
      ],
    },
  ],
  late_fees: { enabled: false },
});

/** Runs the engine at local midnight of each given day, twice (a re-run must change nothing). */
function run(days: string[]) {
  const engine = new EngineHarness(policy);
  for (const day of days)
    for (let rerun = 0; rerun < 2; rerun++) {
      const facts = leaseFacts(day, { open_charges: [rent('2026-03-01')] });
      engine.evaluate({ ...facts, lease: { ...facts.lease, autopay: true } });
    }
  return engine.created;
}

const summary = (created: ReturnType<typeof run>) =>
  created.map(({ day, effect }) => [day, effect.step_id, effect.status, effect.reason ?? null]);

test('every day evaluated: each step once, on its day', () => {
  const days = Array.from({ length: 12 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);
  expect(summary(run(days))).toEqual([
    ['2026-03-03', 'email-day-2', 'scheduled', null],
    ['2026-03-05', 'sms-day-4', 'scheduled', null],
    ['2026-03-10', 'letter-day-9', 'scheduled', null],
  ]);
});

test('down Mar 2-5: the missed email goes out on recovery; the SMS, queued behind it and past its 1-day window by then, is recorded as skipped', () => {
  expect(summary(run(['2026-03-01', '2026-03-06', '2026-03-07']))).toEqual([
    ['2026-03-06', 'email-day-2', 'scheduled', null],
    ['2026-03-07', 'sms-day-4', 'suppressed', 'missed_catch_up_window'],
  ]);
});

test('down for a week: steps too late to help are recorded as skipped, the next one still goes out', () => {
  expect(summary(run(['2026-03-01', '2026-03-10']))).toEqual([
    ['2026-03-10', 'email-day-2', 'suppressed', 'missed_catch_up_window'],
    ['2026-03-10', 'sms-day-4', 'suppressed', 'missed_catch_up_window'],
    ['2026-03-10', 'letter-day-9', 'scheduled', null],
  ]);
});
