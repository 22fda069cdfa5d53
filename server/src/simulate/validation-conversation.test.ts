import { actionsOf, simulateText } from './testing.ts';

// Reg F 1006.34(a)(1): the validation notice comes with a debt collector's initial
// communication or within five days of it. A telephone conversation about the debt is one,
// whoever placed the call.

test('a conversation with an agency-collected tenant brings the validation notice at once', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-10',
    'policy:',
    '  id: agents-only',
    '  name: Agents only',
    '  applies_to: {lease_kind: [residential]}',
    '  levels: [{id: L1, days: {min: 1}}]',
    '  late_fees: {enabled: false}',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: AG, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5, collector: agency,',
    '     tenants: [{id: T1, name: Ana, email: a@example.test, phone: "+14155550101", sms_consent: true}]}',
    '  - {id: FP, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5,',
    '     tenants: [{id: T2, name: Bo, email: b@example.test, phone: "+14155550102", sms_consent: true}]}',
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: AG, id: R1, kind: rent, amount_cents: 100000}',
    '  - {at: 2026-03-01, type: charge, lease: FP, id: R1, kind: rent, amount_cents: 100000}',
    '  - {at: "2026-03-03T10:00:00-08:00", type: conversation, lease: AG, channel: call}',
    '  - {at: "2026-03-03T10:00:00-08:00", type: conversation, lease: FP, channel: call}',
  ]);
  expect(actionsOf(report, 'AG', 'notice')).toEqual([
    expect.objectContaining({ notice: 'validation', status: 'sent', at: '2026-03-03T10:00:00-08:00' }),
  ]);
  // A landlord collecting its own rent is no debt collector.
  expect(actionsOf(report, 'FP', 'notice')).toEqual([]);
});
