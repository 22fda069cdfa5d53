import { actionsOf, simulateText } from './testing.ts';

// One hand-off per run of arrears: an agent placed the account with the agency; the policy's own
// placement draft, approved afterwards, does not place it a second time.

test("the policy's placement approved after an agent's placement was sent is suppressed already_placed", async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-05-10',
    'policy: default-residential',
    'users: [{id: agent-7, role: agent}, {id: manager-2, role: manager}]',
    'properties: [{id: P1, jurisdiction: US-WA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: H, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
    '     tenants: [{id: T1, name: Ana, email: a@example.test}]}',
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: H, id: R3, kind: rent, amount_cents: 200000}',
    '  - {at: "2026-04-20T09:00:00-07:00", type: request, lease: H, id: PL-1, action: placement, by: agent-7}',
    '  - {at: "2026-04-20T09:30:00-07:00", type: approval, request: PL-1, decision: approve, by: manager-2}',
    '  - {at: "2026-05-05T10:00:00-07:00", type: approval, request: "H:agency-placement:2026-03-01", decision: approve, by: manager-2}',
  ]);
  expect(actionsOf(report, 'H', 'placement').map((p) => [p.status, p.reason ?? null])).toEqual([
    ['sent', null],
    ['suppressed', 'already_placed'],
  ]);
});
