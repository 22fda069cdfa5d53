import { actionsOf, simulateText } from './testing.ts';

// A bare date is 00:00 local: an agent's request or an approval written so is decided just
// before that day's scan. It must not push the policy's steps of that day to the next.

const scenario = (event: string) => [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-03-12',
  'policy: default-residential',
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     tenants: [{id: T1, name: Ana, email: a@example.test, phone: "+14155550101", sms_consent: true}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: L1, id: R1, kind: rent, amount_cents: 200000}',
  event,
];

const dayOf = (report: Awaited<ReturnType<typeof simulateText>>, type: string) =>
  actionsOf(report, 'L1', type).map((a) => String(a.at).slice(0, 10));

test("a request at 00:00 leaves that day's steps on their day", async () => {
  const report = await simulateText(
    scenario('  - {at: 2026-03-11, type: request, lease: L1, id: CR, action: credit_report, by: agent-1}'),
  );
  // Day 10 (Mar 11): the CRM flag, the agent's task and the call.
  expect([dayOf(report, 'crm_update'), dayOf(report, 'task'), dayOf(report, 'call')]).toEqual([
    ['2026-03-11'],
    ['2026-03-11'],
    ['2026-03-11'],
  ]);
});

test("a refused approval at 00:00 leaves that day's steps on their day", async () => {
  const report = await simulateText(
    scenario(
      '  - {at: 2026-03-03, type: approval, lease: L1, request: "L1:nothing", decision: approve, by: manager-1}',
    ),
  );
  expect([dayOf(report, 'email'), dayOf(report, 'sms')]).toEqual([['2026-03-03'], ['2026-03-04']]);
});
