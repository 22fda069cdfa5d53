import { actionsOf, simulateText } from './testing.ts';

// A notice served while a dispute covered part of the rent demands only the undisputed part.
// Releasing the dispute afterwards does not raise what the notice asks: paying what it demanded
// cures it (California), and is not partial rent (Florida, where the org refuses partial rent).

const lease = (id: string, property: string) =>
  `  - {id: ${id}, property: ${property}, kind: residential, rent_cents: 180000, due_day: 1, grace_days: 5, late_fee: {kind: flat, amount_cents: 5000}, tenants: [{id: T${id}, name: Ana, email: ${id}@example.test}]}`;

test('paying what a notice demanded cures it even after the dispute it left out is released', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-06-01',
    'end: 2026-06-30',
    'policy: default-residential',
    'users: [{id: agent-7, role: agent}, {id: manager-2, role: manager}]',
    'org: {partial_payment_after_notice: reject}',
    'properties:',
    '  - {id: PC, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}',
    '  - {id: PF, jurisdiction: US-FL, timezone: America/New_York, units: 12}',
    'leases:',
    lease('CA1', 'PC'),
    lease('FL1', 'PF'),
    'events:',
    '  - {at: 2026-06-01, type: charge, lease: CA1, id: R6, kind: rent, amount_cents: 180000}',
    '  - {at: "2026-06-20T10:00:00-07:00", type: hold, lease: CA1, id: D1, kind: dispute, amount_cents: 30000, by: agent-7}',
    '  - {at: "2026-06-22T10:00:00-07:00", type: approval, request: "CA1:pay-or-quit:2026-06-01", decision: approve, by: manager-2}',
    '  - {at: "2026-06-23T10:00:00-07:00", type: hold_release, lease: CA1, hold: D1, by: manager-2, reason: resolved}',
    '  - {at: "2026-06-24T10:00:00-07:00", type: payment, lease: CA1, id: PAY-1, amount_cents: 150000}',
    '  - {at: 2026-06-01, type: charge, lease: FL1, id: R6, kind: rent, amount_cents: 180000}',
    '  - {at: "2026-06-08T10:00:00-04:00", type: hold, lease: FL1, id: D1, kind: dispute, amount_cents: 30000, by: agent-7}',
    '  - {at: "2026-06-09T10:00:00-04:00", type: request, lease: FL1, id: N1, action: notice, notice: pay_or_quit, by: agent-7}',
    '  - {at: "2026-06-09T11:00:00-04:00", type: approval, request: N1, decision: approve, by: manager-2}',
    '  - {at: "2026-06-10T10:00:00-04:00", type: hold_release, lease: FL1, hold: D1, by: manager-2, reason: resolved}',
    '  - {at: "2026-06-11T10:00:00-04:00", type: payment, lease: FL1, id: PAY-1, amount_cents: 150000}',
  ]);
  for (const id of ['CA1', 'FL1']) {
    // (Florida's own pay-or-quit step later finds this notice on record and is not served again.)
    expect(actionsOf(report, id, 'notice').filter((n) => n.status !== 'suppressed')).toEqual([
      expect.objectContaining({ amount_demanded_cents: 150000, status: 'cured', reason: 'demanded_amount_paid' }),
    ]);
    expect(actionsOf(report, id, 'referral').filter((a) => a.status === 'sent')).toEqual([]);
  }
  expect(actionsOf(report, 'FL1', 'payment_refused')).toEqual([]);
});
