import { actionsOf, simulateText } from './testing.ts';

// The seed's trigger is "a manual flag by a property manager": an agent's flag is refused
// (shown blocked, as the HTTP API answers 403), a manager's is a CRM flag.

test("a manager's flag is a CRM flag; an agent's is blocked role_not_permitted", async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-05',
    'policy: default-residential',
    'users: [{id: agent-7, role: agent}, {id: manager-2, role: manager}]',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
    '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
    'events:',
    '  - {at: "2026-03-02T10:00:00-08:00", type: flag, lease: L1, by: agent-7, reason: at_risk}',
    '  - {at: "2026-03-03T10:00:00-08:00", type: flag, lease: L1, by: manager-2, reason: at_risk}',
  ]);
  expect(actionsOf(report, 'L1', 'crm_update').map((a) => [a.at, a.status, a.reason ?? null])).toEqual([
    ['2026-03-02T10:00:00-08:00', 'blocked', 'role_not_permitted'],
    ['2026-03-03T10:00:00-08:00', 'sent', null],
  ]);
});
