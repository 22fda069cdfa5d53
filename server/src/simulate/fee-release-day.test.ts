import { actionsOf, simulateText } from './testing.ts';

// A late fee whose time came while a hold stopped fees is never owed, also on the day the hold
// ends: released at 10:00, the 08:00 fee of that day was under it.

const scenario = (releaseAt: string, kind: string, extra = '') => [
  'version: 1',
  'start: 2026-04-01',
  'end: 2026-04-16',
  'policy: default-residential',
  'users:',
  '  - {id: agent-1, role: agent}',
  '  - {id: counsel-1, role: counsel}',
  'properties:',
  '  - {id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12, cares_covered: false}',
  'leases:',
  '  - {id: K, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, late_fee: {kind: daily, initial_cents: 5000, daily_cents: 500, cap_cents: 20000}, tenants: [{id: TK, name: K K, email: k@example.test}]}',
  'events:',
  '  - {at: 2026-04-01, type: charge, lease: K, id: R4, kind: rent, amount_cents: 200000, due: 2026-04-01}',
  `  - {at: "2026-04-08T10:00:00-07:00", type: hold, lease: K, id: H, kind: ${kind}, by: agent-1${extra}}`,
  `  - {at: "${releaseAt}", type: hold_release, hold: H, by: counsel-1, reason: stay_relief_order}`,
];

const feeDays = async (lines: string[]) => {
  const report = await simulateText(lines);
  expect(report.audit.verified).toBe(true);
  return actionsOf(report, 'K', 'late_fee')
    .filter((a) => a.status === 'posted')
    .map((a) => [String(a.id).replace('K:late_fee:2026-04-01', ''), String(a.at)]);
};

test('a bankruptcy stay released at 10:00: no fee for the release day, accrual resumes the next morning', async () => {
  expect(await feeDays(scenario('2026-04-12T10:00:00-07:00', 'bankruptcy', ', chapter: 7'))).toEqual([
    ['', '2026-04-07T08:00:00-07:00'],
    // Posted before the stay was recorded at 10:00: it stands.
    [':2026-04-08', '2026-04-08T08:00:00-07:00'],
    [':2026-04-13', '2026-04-13T08:00:00-07:00'],
    [':2026-04-14', '2026-04-14T08:00:00-07:00'],
    [':2026-04-15', '2026-04-15T08:00:00-07:00'],
    [':2026-04-16', '2026-04-16T08:00:00-07:00'],
  ]);
});

test('a manual hold released at 07:00, before the fee time: that day’s fee is owed, at 08:00', async () => {
  const days = await feeDays(scenario('2026-04-12T07:00:00-07:00', 'manual', ', until: 2026-04-30'));
  expect(days.map(([key]) => key)).toEqual([
    '',
    ':2026-04-08',
    ':2026-04-12',
    ':2026-04-13',
    ':2026-04-14',
    ':2026-04-15',
    ':2026-04-16',
  ]);
  expect(days[2]![1]).toBe('2026-04-12T08:00:00-07:00');
});

test('a manual hold released at 10:00: no fee for the release day', async () => {
  const days = await feeDays(scenario('2026-04-12T10:00:00-07:00', 'manual', ', until: 2026-04-30'));
  expect(days.map(([key]) => key)).toEqual([
    '',
    ':2026-04-08',
    ':2026-04-13',
    ':2026-04-14',
    ':2026-04-15',
    ':2026-04-16',
  ]);
});

test('a promise kept at noon by a payment: no fee for that morning', async () => {
  const lines = scenario('2026-04-09T10:00:00-07:00', 'manual', ', until: 2026-04-30');
  const report = await simulateText([
    ...lines,
    '  - {at: "2026-04-10T09:00:00-07:00", type: hold, lease: K, id: PTP, kind: promise_to_pay, by: agent-1, promises: [{by: 2026-04-20, amount_cents: 50000}]}',
    '  - {at: "2026-04-13T12:00:00-07:00", type: payment, lease: K, id: PK, amount_cents: 50000}',
  ]);
  expect(actionsOf(report, 'K', 'hold_kept')).toHaveLength(1);
  const days = actionsOf(report, 'K', 'late_fee')
    .filter((a) => a.status === 'posted')
    .map((a) => String(a.id).replace('K:late_fee:2026-04-01', ''));
  // The manual hold covers Apr 9 until 10:00; Apr 10's fee came before the promise at 09:00;
  // the promise covers Apr 13 until the payment at noon.
  expect(days).toEqual(['', ':2026-04-08', ':2026-04-10', ':2026-04-14', ':2026-04-15', ':2026-04-16']);
});
