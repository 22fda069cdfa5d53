import { actionsOf, simulateText } from './testing.ts';

// An agent serves a pay-or-quit by request; the policy's own draft of the same notice, still
// waiting for approval, is approved later while the first one runs. The tenant must not get a
// second notice (a second deadline) for the same rent.

const scenario = (approveDraftOn: string) => [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-04-20',
  'policy: default-residential',
  'users: [{id: agent-7, role: agent}, {id: manager-2, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, collector: first_party,',
  '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: L1, id: RENT-03, kind: rent, amount_cents: 200000}',
  '  - {at: 2026-03-24, type: request, lease: L1, id: PQ-1, action: notice, notice: pay_or_quit, by: agent-7}',
  '  - {at: "2026-03-24T10:00:00-07:00", type: approval, request: PQ-1, decision: approve, by: manager-2}',
  `  - {at: "${approveDraftOn}T10:00:00-07:00", type: approval, request: "L1:pay-or-quit:2026-03-01", decision: approve, by: manager-2}`,
];

test('a second pay-or-quit for the same rent while the first runs is suppressed; after it expires it may be served', async () => {
  const running = await simulateText(scenario('2026-03-26'));
  const notices = actionsOf(running, 'L1', 'notice');
  expect(notices.map((n) => [n.id, n.status, n.reason ?? null, n.served_on ?? null])).toEqual([
    ['L1:request:PQ-1:notice', 'sent', null, '2026-03-24'],
    ['L1:pay-or-quit:2026-03-01:notice', 'suppressed', 'notice_already_served', null],
  ]);
  const first = notices[0]!;
  expect(first.expires_on).toBe('2026-03-27');

  // Approved after the first expired uncured: a new notice with a new period is the manager's call.
  const expired = await simulateText(scenario('2026-04-06'));
  expect(actionsOf(expired, 'L1', 'notice').map((n) => [n.id, n.status])).toEqual([
    ['L1:request:PQ-1:notice', 'sent'],
    ['L1:pay-or-quit:2026-03-01:notice', 'sent'],
  ]);
});
