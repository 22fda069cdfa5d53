import { actionsOf, simulateText } from './testing.ts';

// The automatic stay protects the debtor (11 U.S.C. 362), not one lease: a tenant's bankruptcy
// recorded on one lease stops collection on every lease they are a party to. A tenant who only
// shares a building with them is not touched.

test("a tenant's bankruptcy on one lease stops collection on their other lease, not on a neighbour's", async () => {
  const tenant = (id: string) =>
    `[{id: ${id}, name: Ana ${id}, email: ${id}@example.test, phone: "+1415555010${id.slice(-1)}", sms_consent: true}]`;
  const report = await simulateText([
    'version: 1',
    'start: 2026-04-01',
    'end: 2026-04-20',
    'policy: default-residential',
    'users: [{id: counsel-1, role: counsel}]',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    `  - {id: HOME, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, tenants: ${tenant('T1')}}`,
    `  - {id: PARKING, property: P1, kind: residential, rent_cents: 10000, due_day: 1, grace_days: 5, tenants: ${tenant('T1')}}`,
    `  - {id: NEIGHBOUR, property: P1, kind: residential, rent_cents: 10000, due_day: 1, grace_days: 5, tenants: ${tenant('T2')}}`,
    'events:',
    ...['HOME', 'PARKING', 'NEIGHBOUR'].map(
      (lease) => `  - {at: 2026-04-01, type: charge, lease: ${lease}, id: R4, kind: rent, amount_cents: 10000}`,
    ),
    '  - {at: "2026-04-08T10:00:00-07:00", type: hold, lease: HOME, id: BK, kind: bankruptcy, chapter: 7, by: counsel-1}',
  ]);
  // Day 10 (Apr 11): the call and the demand letter of Apr 15 go to the neighbour only.
  for (const lease of ['HOME', 'PARKING']) {
    expect(actionsOf(report, lease, 'call').filter((a) => a.status === 'sent')).toEqual([]);
    expect(actionsOf(report, lease, 'letter').filter((a) => a.status === 'sent')).toEqual([]);
    expect(report.final[lease]!.next_action).toBeNull();
  }
  expect(actionsOf(report, 'NEIGHBOUR', 'call')).toEqual([expect.objectContaining({ status: 'sent' })]);
  expect(actionsOf(report, 'NEIGHBOUR', 'letter')).toEqual([expect.objectContaining({ status: 'sent' })]);
});

test("a guarantor's bankruptcy on their own lease takes them off another lease's notices; its tenant still gets them", async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-31',
    'policy: default-residential',
    'users: [{id: counsel-1, role: counsel}, {id: manager-1, role: manager}]',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: OWN, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5,',
    '     tenants: [{id: TB, name: Bo, email: bo@example.test}]}',
    '  - {id: GUARANTEED, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5,',
    '     tenants: [{id: TY, name: Yu, email: yu@example.test}, {id: TB, name: Bo, email: bo@example.test, role: guarantor}]}',
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: OWN, id: R3, kind: rent, amount_cents: 100000}',
    '  - {at: 2026-03-01, type: charge, lease: GUARANTEED, id: R3, kind: rent, amount_cents: 100000}',
    '  - {at: "2026-03-12T10:00:00-07:00", type: hold, lease: OWN, id: BK, kind: bankruptcy, chapter: 13, by: counsel-1}',
    '  - {at: "2026-03-23T10:00:00-07:00", type: approval, request: "GUARANTEED:pay-or-quit:2026-03-01", decision: approve, by: manager-1}',
  ]);
  expect(actionsOf(report, 'GUARANTEED', 'notice')).toEqual([
    expect.objectContaining({ status: 'sent', recipients: ['TY'] }),
  ]);
});
