import { actionsOf, simulateText } from './testing.ts';

// Hand-written scenarios a colleague ran through `arrears simulate` that showed engine bugs.

test('an SCRA hold refuses a notice to vacate and a credit report, even once approved (r2-scra)', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-04-01',
    'end: 2026-04-30',
    'policy: default-residential',
    'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}, {id: counsel-1, role: counsel}]',
    'properties: [{id: TX, jurisdiction: US-TX, timezone: America/Chicago, units: 3}]',
    'leases:',
    '  - {id: S, property: TX, kind: residential, rent_cents: 120000, due_day: 1, grace_days: 2, tenants: [{id: T, name: Sgt, email: s@example.test}]}',
    'events:',
    '  - {at: 2026-04-01, type: charge, lease: S, id: R-04, kind: rent, amount_cents: 120000}',
    '  - {at: 2026-04-02, type: hold, lease: S, id: SCRA-H, kind: scra, by: agent-1}',
    '  - {at: "2026-04-25T09:00:00-05:00", type: request, lease: S, id: NTV, action: notice, notice: notice_to_vacate, by: agent-1}',
    '  - {at: "2026-04-25T09:10:00-05:00", type: approval, request: NTV, decision: approve, by: counsel-1}',
    '  - {at: "2026-04-25T09:30:00-05:00", type: request, lease: S, id: CR, action: credit_report, by: agent-1}',
    '  - {at: "2026-04-25T09:40:00-05:00", type: approval, request: CR, decision: approve, by: manager-1}',
  ]);
  const rule = { id: 'US/scra-protections@2003-12-19', verified: false };
  expect(actionsOf(report, 'S', 'notice')).toMatchObject([{ status: 'blocked', reason: 'hold_scra', rule }]);
  expect(actionsOf(report, 'S', 'credit_report')).toMatchObject([{ status: 'blocked', reason: 'hold_scra', rule }]);
  expect(
    report.actions.filter((a) => a.status === 'sent' && ['notice', 'credit_report'].includes(String(a.type))),
  ).toEqual([]);
  // Contact continues under SCRA: the late email and the demand letter go out.
  expect(actionsOf(report, 'S', 'email').map((a) => a.status)).toContain('sent');
  expect(actionsOf(report, 'S', 'letter')).toMatchObject([{ status: 'sent' }]);
});
