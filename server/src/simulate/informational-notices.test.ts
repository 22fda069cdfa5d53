import { formatTimeline } from './report.ts';
import { actionsOf, simulateText } from './testing.ts';

// A demand notice (pay-or-quit) is cured when what it demands is paid. A notice that only
// informs (Reg F's validation notice, New York's rent-not-received notice) stays `sent`: it was
// served, and paying the debt later does not undo that.

const scenario = [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-04-20',
  'policy: default-residential',
  'users: [{id: agent-7, role: agent}, {id: manager-2, role: manager}]',
  'properties:',
  '  - {id: CA, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}',
  '  - {id: NY, jurisdiction: US-NY, timezone: America/New_York, units: 12}',
  'leases:',
  '  - {id: AG, property: CA, kind: residential, rent_cents: 150000, due_day: 1, grace_days: 5, collector: agency,',
  '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
  '  - {id: NY1, property: NY, kind: residential, rent_cents: 150000, due_day: 1, grace_days: 5, collector: first_party,',
  '     tenants: [{id: T2, name: Bo Li, email: bo@example.test}]}',
  '  - {id: PQ, property: CA, kind: residential, rent_cents: 150000, due_day: 1, grace_days: 5, collector: first_party,',
  '     tenants: [{id: T3, name: Cy Ng, email: cy@example.test}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: AG, id: R-AG, kind: rent, amount_cents: 150000}',
  '  - {at: 2026-03-01, type: charge, lease: NY1, id: R-NY, kind: rent, amount_cents: 150000}',
  '  - {at: 2026-03-01, type: charge, lease: PQ, id: R-PQ, kind: rent, amount_cents: 150000}',
  '  - {at: 2026-03-10, type: request, lease: PQ, id: PQ-N, action: notice, notice: pay_or_quit, by: agent-7}',
  '  - {at: 2026-03-10, type: approval, request: PQ-N, decision: approve, by: manager-2}',
  '  - {at: 2026-03-20, type: payment, lease: AG, id: P-AG, amount_cents: 150000}',
  '  - {at: 2026-03-20, type: payment, lease: NY1, id: P-NY, amount_cents: 150000}',
  '  - {at: 2026-03-12, type: payment, lease: PQ, id: P-PQ, amount_cents: 150000}',
];

test('paid in full: the pay-or-quit is cured, the validation and rent-not-received notices stay sent', async () => {
  const report = await simulateText(scenario);
  expect(actionsOf(report, 'AG', 'notice')).toEqual([
    expect.objectContaining({ notice: 'validation', status: 'sent', amount_demanded_cents: 150000 }),
  ]);
  expect(actionsOf(report, 'NY1', 'notice')).toEqual([
    expect.objectContaining({ notice: 'rent_not_received', status: 'sent' }),
  ]);
  expect(actionsOf(report, 'PQ', 'notice')).toEqual([
    expect.objectContaining({ notice: 'pay_or_quit', status: 'cured', reason: 'demanded_amount_paid' }),
  ]);
  for (const lease of ['AG', 'NY1', 'PQ']) expect(report.final[lease]!.balance_cents).toBe(0);
});

test('the readable report says the rent-not-received notice states the debt, with no deadline', async () => {
  const text = formatTimeline(await simulateText(scenario));
  const line = text.split('\n').find((l) => l.includes('rent_not_received'));
  expect(line).toMatch(/notice {2}sent {2}rent_not_received {2}states \$1500\.00 {2}\[/);
  expect(line).not.toMatch(/demands|expires/);
});
