import { actionsOf, simulateText } from './testing.ts';

// A notice whose charges are written off is over, but nobody paid it: it says so.

test('a pay-or-quit closed by a write-off is cured "written_off", one closed by payment "demanded_amount_paid"', async () => {
  const lease = (id: string) =>
    `  - {id: ${id}, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, tenants: [{id: T${id}, name: Ana, email: ${id}@example.test}]}`;
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-04-20',
    'policy: default-residential',
    'users: [{id: manager-1, role: manager}]',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    lease('WO'),
    lease('PAID'),
    'events:',
    ...['WO', 'PAID'].flatMap((id) => [
      `  - {at: 2026-03-01, type: charge, lease: ${id}, id: R3, kind: rent, amount_cents: 200000}`,
      `  - {at: "2026-03-23T10:00:00-07:00", type: approval, request: "${id}:pay-or-quit:2026-03-01", decision: approve, by: manager-1}`,
    ]),
    '  - {at: 2026-04-10, type: write_off, lease: WO, id: WO-1, amount_cents: 207500, by: manager-1}',
    '  - {at: 2026-04-10, type: payment, lease: PAID, id: PAY-1, amount_cents: 207500}',
  ]);
  expect(actionsOf(report, 'WO', 'notice')).toEqual([
    expect.objectContaining({ status: 'cured', reason: 'written_off' }),
  ]);
  expect(actionsOf(report, 'PAID', 'notice')).toEqual([
    expect.objectContaining({ status: 'cured', reason: 'demanded_amount_paid' }),
  ]);
});
