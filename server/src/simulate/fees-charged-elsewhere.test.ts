import { actionsOf, simulateText } from './testing.ts';

// One late fee per rent period, whoever charges it: when the accounting system posts its own
// late fee for a month (the demo's imported history does), Arrears adds none for that month — in
// Texas a second fee also broke the 10 % cap.

test('a month whose late fee the accounting system charged gets none from Arrears; the next month does', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-04-12',
    'policy: default-residential',
    'properties: [{id: TX1, jurisdiction: US-TX, timezone: America/Chicago, units: 216}]',
    'leases:',
    '  - {id: L1, property: TX1, kind: residential, rent_cents: 155000, due_day: 1, grace_days: 2,',
    '     late_fee: {kind: daily, initial_cents: 7700, daily_cents: 1000, cap_cents: 15500},',
    '     tenants: [{id: T1, name: Ana, email: a@example.test}]}',
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: L1, id: RENT-03, kind: rent, amount_cents: 155000}',
    // The accounting system's own fee for March, posted on the 4th.
    '  - {at: 2026-03-04, type: charge, lease: L1, id: LATE-03, kind: late_fee, amount_cents: 7700, due: 2026-03-04}',
    '  - {at: 2026-04-01, type: charge, lease: L1, id: RENT-04, kind: rent, amount_cents: 155000}',
  ]);
  const fees = actionsOf(report, 'L1', 'late_fee').filter((f) => f.status === 'posted');
  expect(fees.filter((f) => String(f.id).includes(':2026-03-01'))).toEqual([]);
  expect(fees.filter((f) => String(f.id).includes(':2026-04-01')).length).toBeGreaterThan(0);
});

test("the accounting system's fee arriving after Arrears capped the period opens one task to refund the excess", async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-06-01',
    'end: 2026-07-05',
    'policy: default-residential',
    'properties: [{id: TX1, jurisdiction: US-TX, timezone: America/Chicago, units: 12}]',
    'leases:',
    '  - {id: L1, property: TX1, kind: residential, rent_cents: 150000, due_day: 1, grace_days: 1,',
    '     late_fee: {kind: daily, initial_cents: 7500, daily_cents: 1000}, tenants: [{id: T1, name: Ana, email: a@example.test}]}',
    'events:',
    '  - {at: 2026-06-01, type: charge, lease: L1, id: RENT-06, kind: rent, amount_cents: 150000}',
    '  - {at: "2026-07-02T12:00:00-05:00", type: charge, lease: L1, id: LATE-06, kind: late_fee, amount_cents: 5000, due: 2026-06-04}',
    '  - {at: "2026-07-03T12:00:00-05:00", type: charge, lease: L1, id: LATE-06B, kind: late_fee, amount_cents: 1000, due: 2026-06-05}',
  ]);
  // June: Arrears reached the 10 % cap ($150); the accounting system added $50, then $10 more.
  expect(actionsOf(report, 'L1', 'task').filter((t) => String(t.id).includes(':fee-cap:'))).toEqual([
    expect.objectContaining({ id: 'L1:fee-cap:2026-06-01', status: 'sent', template: 'fee-cap-exceeded' }),
  ]);
});
