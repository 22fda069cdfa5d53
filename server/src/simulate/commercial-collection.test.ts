import { actionsOf, simulateText } from './testing.ts';

// Reg F binds debt collectors collecting consumer debts; commercial rent is a business debt
// (FDCPA 15 U.S.C. 1692a(5)), whoever collects it.

test('a credit report on commercial rent collected by an agency goes to approval, without the Reg F wait', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-07-01',
    'end: 2026-07-10',
    'policy: default-commercial',
    'users: [{id: agent-1, role: agent}]',
    'properties: [{id: M, jurisdiction: US-FL, timezone: America/New_York, units: 40}]',
    'leases:',
    '  - {id: C1, property: M, kind: commercial, rent_cents: 500000, due_day: 1, grace_days: 5, collector: agency,',
    '     tenants: [{id: T1, name: Shop LLC, type: business, email: a@example.test}]}',
    '  - {id: R1, property: M, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, collector: agency,',
    '     tenants: [{id: T2, name: Ana Ruiz, email: b@example.test}]}',
    'events:',
    '  - {at: 2026-07-01, type: charge, lease: C1, id: RENT-07, kind: rent, amount_cents: 500000}',
    '  - {at: 2026-07-01, type: charge, lease: R1, id: RENT-07, kind: rent, amount_cents: 200000}',
    '  - {at: "2026-07-03T12:00:00-04:00", type: request, lease: C1, id: CR, action: credit_report, by: agent-1}',
    '  - {at: "2026-07-03T12:00:00-04:00", type: request, lease: R1, id: CR, action: credit_report, by: agent-1}',
  ]);
  const requested = (lease: string) => report.actions.filter((a) => a.lease === lease && a.request === 'CR');
  expect(requested('C1')).toEqual([
    expect.objectContaining({ type: 'approval_request', status: 'awaiting_approval', action: 'credit_report' }),
  ]);
  // The consumer's debt still waits for 1006.30(a).
  expect(actionsOf(report, 'R1', 'credit_report')).toEqual([
    expect.objectContaining({ status: 'blocked', reason: 'credit_furnishing_wait' }),
  ]);
});
