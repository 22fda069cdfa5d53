import { actionsOf, simulateText } from './testing.ts';

// CARES Act 9058(c): a covered dwelling's tenant may not be required to vacate within 30 days of
// a notice to vacate. A pay-or-quit (Florida) or a 14-day rent demand (New York) ends in
// possession too, so on a covered property its period runs at least 30 days.

const scenario = (covered: boolean) => [
  'version: 1',
  'start: 2026-06-01',
  'end: 2026-06-30',
  'policy: default-residential',
  'users: [{id: agent-7, role: agent}, {id: manager-2, role: manager}]',
  'properties:',
  `  - {id: FL, jurisdiction: US-FL, timezone: America/New_York, units: 40, cares_covered: ${covered}}`,
  `  - {id: NY, jurisdiction: US-NY, timezone: America/New_York, units: 40, cares_covered: ${covered}}`,
  'leases:',
  '  - {id: F1, property: FL, kind: residential, rent_cents: 180000, due_day: 1, grace_days: 3,',
  '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
  '  - {id: N1, property: NY, kind: residential, rent_cents: 300000, due_day: 1, grace_days: 5,',
  '     tenants: [{id: T2, name: Bo Li, email: bo@example.test}]}',
  'events:',
  '  - {at: 2026-06-01, type: charge, lease: F1, id: RF, kind: rent, amount_cents: 180000}',
  '  - {at: 2026-06-01, type: charge, lease: N1, id: RN, kind: rent, amount_cents: 300000}',
  '  - {at: "2026-06-08T10:00:00-04:00", type: request, lease: F1, id: PQ, action: notice, notice: pay_or_quit, by: agent-7}',
  '  - {at: "2026-06-08T11:00:00-04:00", type: approval, request: PQ, decision: approve, by: manager-2}',
  '  - {at: "2026-06-08T10:00:00-04:00", type: request, lease: N1, id: RD, action: notice, notice: rent_demand_14_day, by: agent-7}',
  '  - {at: "2026-06-08T11:00:00-04:00", type: approval, request: RD, decision: approve, by: manager-2}',
];

const served = async (covered: boolean) => {
  const report = await simulateText(scenario(covered));
  const of = (lease: string, request: string) => actionsOf(report, lease, 'notice').find((a) => a.request === request);
  return { payOrQuit: of('F1', 'PQ'), demand: of('N1', 'RD') };
};

test('on a covered property a pay-or-quit and a 14-day demand run 30 days, citing 9058(c)', async () => {
  const { payOrQuit, demand } = await served(true);
  const cares = expect.arrayContaining([expect.objectContaining({ citation: '15 U.S.C. 9058(c)' })]);
  expect(payOrQuit).toMatchObject({ status: 'sent', served_on: '2026-06-08', expires_on: '2026-07-08', also: cares });
  expect(demand).toMatchObject({ status: 'sent', served_on: '2026-06-08', expires_on: '2026-07-08', also: cares });
  expect(payOrQuit!.earliest_next_step_on).toBe('2026-07-09');
});

test('off a covered property they keep their own statutory periods', async () => {
  const { payOrQuit, demand } = await served(false);
  // Florida: 3 days excluding weekends and holidays; New York: 14 calendar days.
  expect(payOrQuit).toMatchObject({ status: 'sent', expires_on: '2026-06-11' });
  expect(payOrQuit).not.toHaveProperty('also');
  expect(demand).toMatchObject({ status: 'sent', expires_on: '2026-06-22' });
});

test('a pay-or-quit template stating 3 days is never served on a covered property, and is elsewhere', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-06-01',
    'end: 2026-06-30',
    'policy:',
    '  id: three-day',
    '  name: Three-day template',
    '  levels:',
    '    - id: L1',
    '      days: { min: 5 }',
    '      steps: [{ id: pq, day: 7, action: notice, notice: pay_or_quit, period_days: 3 }]',
    'properties:',
    '  - {id: COVERED, jurisdiction: US-FL, timezone: America/New_York, units: 40, cares_covered: true}',
    '  - {id: PLAIN, jurisdiction: US-FL, timezone: America/New_York, units: 40, cares_covered: false}',
    'leases:',
    '  - {id: F1, property: COVERED, kind: residential, rent_cents: 180000, due_day: 1, grace_days: 3,',
    '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
    '  - {id: F2, property: PLAIN, kind: residential, rent_cents: 180000, due_day: 1, grace_days: 3,',
    '     tenants: [{id: T2, name: Bo Li, email: bo@example.test}]}',
    'events:',
    '  - {at: 2026-06-01, type: charge, lease: F1, id: R1, kind: rent, amount_cents: 180000}',
    '  - {at: 2026-06-01, type: charge, lease: F2, id: R2, kind: rent, amount_cents: 180000}',
  ]);
  const drafts = (lease: string) => actionsOf(report, lease).filter((a) => a.notice === 'pay_or_quit');
  expect(drafts('F1')).toEqual([expect.objectContaining({ status: 'blocked', reason: 'template_period_too_short' })]);
  expect(drafts('F2')).toEqual([expect.objectContaining({ type: 'approval_request', status: 'awaiting_approval' })]);
});
