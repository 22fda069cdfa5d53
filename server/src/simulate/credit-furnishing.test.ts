import { actionsOf, simulateText } from './testing.ts';

// 12 CFR 1006.30(a): a debt collector furnishes nothing to a credit bureau before it has spoken
// to the consumer or sent a message and waited 14 days. A placement makes the agency the
// collector, also when the report was approved in the same minute; a conversation is enough.

const scenario = [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-03-20',
  'policy: {id: manual-only, name: agents work by hand, levels: [{id: L1, days: {min: 1}}], late_fees: {enabled: false}}',
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-OH, timezone: America/New_York, units: 30}]',
  'leases:',
  ...[
    ['X', 'first_party'],
    ['Z', 'attorney'],
  ].map(
    ([id, collector]) =>
      `  - {id: ${id}, property: P1, kind: residential, rent_cents: 150000, due_day: 1, grace_days: 5, collector: ${collector}, tenants: [{id: T${id}, name: T ${id}, email: ${id}@example.test}]}`,
  ),
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: X, id: R3, kind: rent, amount_cents: 150000}',
  '  - {at: 2026-03-01, type: charge, lease: Z, id: R3, kind: rent, amount_cents: 150000}',
  // X: the landlord's own account, placed and reported in one approval minute.
  '  - {at: "2026-03-09T10:00:00-04:00", type: request, lease: X, id: PL, action: placement, by: agent-1}',
  '  - {at: "2026-03-09T10:01:00-04:00", type: request, lease: X, id: CR, action: credit_report, by: agent-1}',
  '  - {at: "2026-03-09T11:00:00-04:00", type: approval, request: PL, lease: X, decision: approve, by: manager-1}',
  '  - {at: "2026-03-09T11:00:00-04:00", type: approval, request: CR, lease: X, decision: approve, by: manager-1}',
  // Z: the attorney spoke with the tenant the day before the report.
  '  - {at: "2026-03-10T10:00:00-04:00", type: conversation, lease: Z, channel: call}',
  '  - {at: "2026-03-11T10:00:00-04:00", type: request, lease: Z, id: CR, action: credit_report, by: agent-1}',
  '  - {at: "2026-03-11T11:00:00-04:00", type: approval, request: CR, lease: Z, decision: approve, by: manager-1}',
];

test('a report approved with the placement waits; one after a conversation with the tenant goes', async () => {
  const report = await simulateText(scenario);
  expect(actionsOf(report, 'X', 'placement').map((a) => a.status)).toEqual(['sent']);
  expect(actionsOf(report, 'X', 'credit_report').map((a) => [a.status, a.reason])).toEqual([
    ['blocked', 'credit_furnishing_wait'],
  ]);
  expect(actionsOf(report, 'Z', 'credit_report').map((a) => a.status)).toEqual(['sent']);
});
