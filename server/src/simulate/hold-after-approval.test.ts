import { actionsOf, simulateText } from './testing.ts';

// A pay-or-quit the manager approved at noon, and a promise to pay the agent accepted at 14:05,
// before the 17:00 batch: the promise pauses the notice like any automated step.

const lease = (id: string) =>
  `  - {id: ${id}, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: T${id}, name: Ana ${id}, email: ${id}@example.test}]}`;

const lines = [
  'version: 1',
  'start: 2026-04-01',
  'end: 2026-05-08',
  'policy: default-residential',
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  lease('BROKEN'),
  lease('KEPT'),
  'events:',
  ...['BROKEN', 'KEPT'].flatMap((id) => [
    `  - {at: 2026-04-01, type: charge, lease: ${id}, id: R4, kind: rent, amount_cents: 200000}`,
    `  - {at: "2026-04-22T12:00:00-07:00", type: approval, request: "${id}:pay-or-quit:2026-04-01", decision: approve, by: manager-1}`,
    `  - {at: "2026-04-22T14:05:00-07:00", type: hold, lease: ${id}, id: PTP, kind: promise_to_pay, by: agent-1, promises: [{by: 2026-04-29, amount_cents: 207500}]}`,
  ]),
  '  - {at: "2026-04-28T10:00:00-07:00", type: payment, lease: KEPT, id: PAY-1, amount_cents: 207500}',
];

test('an approved notice waits out a promise entered before it was served: cancelled when kept, served when broken', async () => {
  const report = await simulateText(lines);
  // Broken on Apr 29: escalation resumes on the next business day, Thu Apr 30, at the batch hour.
  expect(actionsOf(report, 'BROKEN', 'notice')).toEqual([
    expect.objectContaining({ status: 'sent', at: '2026-04-30T17:00:00-07:00', expires_on: '2026-05-05' }),
  ]);
  // Kept: the payment cures the debt and cancels the waiting notice; it never reaches the tenant.
  expect(actionsOf(report, 'KEPT', 'notice')).toEqual([
    expect.objectContaining({ status: 'cancelled', reason: 'cured' }),
  ]);
  expect(
    report.actions.filter((a) => a.type === 'notice' && a.status === 'sent' && String(a.at) < '2026-04-30'),
  ).toEqual([]);
});
