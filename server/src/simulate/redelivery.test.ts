import { actionsOf, simulateText } from './testing.ts';

// "An event may repeat with the same id (a webhook delivered 3 times): it must count once."
// A re-delivery may come on another day than the first; only different content is a conflict.

const scenario = (...events: string[]) => [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-03-20',
  'policy: default-residential',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: L1, id: RENT-03, kind: rent, amount_cents: 200000}',
  ...events,
];

test('the same payment delivered on three days counts once, on the day it first arrived', async () => {
  const report = await simulateText(
    scenario(
      '  - {at: "2026-03-04T10:00:00-08:00", type: payment, lease: L1, id: PAY-1, amount_cents: 200000}',
      '  - {at: "2026-03-05T10:00:00-08:00", type: payment, lease: L1, id: PAY-1, amount_cents: 200000}',
      '  - {at: "2026-03-09T10:00:00-07:00", type: payment, lease: L1, id: PAY-1, amount_cents: 200000}',
      '  - {at: 2026-03-02, type: charge, lease: L1, id: RENT-03, kind: rent, amount_cents: 200000}',
    ),
  );
  expect(actionsOf(report, 'L1', 'ledger_event')).toEqual([]);
  // Paid Mar 4, before the fee day: no fee, and nothing owed at the end.
  expect(actionsOf(report, 'L1', 'late_fee')).toEqual([]);
  expect(report.final.L1).toMatchObject({ balance_cents: 0, level: 'current' });
});

test('the same id with another amount a day later is a conflict, shown and not applied', async () => {
  const report = await simulateText(
    scenario(
      '  - {at: "2026-03-04T10:00:00-08:00", type: payment, lease: L1, id: PAY-1, amount_cents: 150000}',
      '  - {at: "2026-03-05T10:00:00-08:00", type: payment, lease: L1, id: PAY-1, amount_cents: 200000}',
    ),
  );
  expect(actionsOf(report, 'L1', 'ledger_event')).toEqual([
    expect.objectContaining({ status: 'blocked', reason: 'conflict', at: '2026-03-05T10:00:00-08:00' }),
  ]);
  expect(report.final.L1!.balance_cents).toBe(200000 + 7500 - 150000);
});

test('a hold re-delivered counts once; one re-delivered with other terms is refused as a conflict, never applied', async () => {
  const promise = (day: string, by: string) =>
    `  - {at: "${day}T10:00:00-07:00", type: hold, lease: L1, id: PTP, kind: promise_to_pay, by: agent-1, promises: [{by: ${by}, amount_cents: 100000}]}`;
  const report = await simulateText([
    ...scenario(
      promise('2026-03-09', '2026-03-15'),
      promise('2026-03-10', '2026-03-15'),
      promise('2026-03-11', '2026-03-30'),
    ),
    'users: [{id: agent-1, role: agent}]',
  ]);
  expect(actionsOf(report, 'L1', 'hold')).toEqual([
    expect.objectContaining({ status: 'posted', at: '2026-03-09T10:00:00-07:00' }),
    expect.objectContaining({
      status: 'blocked',
      reason: 'conflict',
      at: '2026-03-11T10:00:00-07:00',
    }),
  ]);
  // The first promise stands: broken the day after Mar 15.
  expect(actionsOf(report, 'L1', 'hold_broken')).toEqual([
    expect.objectContaining({ at: expect.stringMatching(/^2026-03-16/) }),
  ]);
});
