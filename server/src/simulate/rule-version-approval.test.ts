import { actionsOf, simulateText } from './testing.ts';

// Texas's notice-to-vacate rule has a new, unverified version from 2026-01-01 (SB 38). A draft
// made in December under the verified version, approved by a manager, is served under the rule
// of its service day: from January that needs counsel.

const scenario = (approvals: string[]) => [
  'version: 1',
  'start: 2025-12-01',
  'end: 2026-01-08',
  'policy: default-residential',
  'users: [{id: manager-1, role: manager}, {id: counsel-1, role: counsel}]',
  'properties: [{id: TX1, jurisdiction: US-TX, timezone: America/Chicago, units: 12}]',
  'leases:',
  '  - {id: L1, property: TX1, kind: residential, rent_cents: 150000, due_day: 1, grace_days: 2,',
  '     late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: T1, name: Ana, email: a@example.test}]}',
  'events:',
  '  - {at: 2025-12-01, type: charge, lease: L1, id: R-12, kind: rent, amount_cents: 150000}',
  ...approvals.map(
    (a) =>
      `  - {at: "${a.split(' ')[0]}", type: approval, request: "L1:notice-to-vacate:2025-12-01", decision: approve, by: ${a.split(' ')[1]}}`,
  ),
];

test('a manager cannot approve a notice that would be served under an unverified rule version; counsel can', async () => {
  // Approved after the 17:00 batch on Dec 31: it would be served on Jan 1.
  const report = await simulateText(
    scenario(['2025-12-31T18:00:00-06:00 manager-1', '2026-01-02T10:00:00-06:00 counsel-1']),
  );
  expect(actionsOf(report, 'L1', 'approval')).toEqual([
    expect.objectContaining({
      status: 'blocked',
      reason: 'counsel_approval_required',
      at: '2025-12-31T18:00:00-06:00',
    }),
  ]);
  expect(actionsOf(report, 'L1', 'notice')).toEqual([
    expect.objectContaining({
      status: 'sent',
      served_on: '2026-01-02',
      approved_by: 'counsel-1',
      rule: expect.objectContaining({ id: 'US-TX/notice-to-vacate@2026-01-01', verified: false }),
    }),
  ]);
});

test('approved by a manager in time, it is served under the verified version', async () => {
  const report = await simulateText(scenario(['2025-12-30T10:00:00-06:00 manager-1']));
  expect(actionsOf(report, 'L1', 'notice')).toEqual([
    expect.objectContaining({ status: 'sent', served_on: '2025-12-30', approved_by: 'manager-1' }),
  ]);
});
