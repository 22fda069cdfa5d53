import { simulateText } from './testing.ts';

// Two levels on the same days split by balance: each lease gets only its own band's step, and the
// next level's steps come on their own day (no extra step crowding them out).

test("a balance band's steps go only to leases in that band", async () => {
  const tenant = (id: string) =>
    `[{id: ${id}, name: Ana, email: ${id}@example.test, phone: "+1415555010${id.slice(-1)}", sms_consent: true}]`;
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-25',
    'policy:',
    '  id: bands',
    '  name: Balance bands',
    '  levels:',
    '    - {id: L1, days: {min: 1}}',
    '    - {id: L2big, days: {min: 10}, balance_cents: {min: 100000}, steps: [{id: big-call, day: 10, at: "11:00", action: call}]}',
    '    - {id: L2small, days: {min: 10}, balance_cents: {max: 99999}, steps: [{id: small-email, day: 12, action: email}]}',
    '    - {id: L3, days: {min: 20}, steps: [{id: l3-letter, day: 20, action: letter}]}',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    `  - {id: BIG, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, tenants: ${tenant('T1')}}`,
    `  - {id: SMALL, property: P1, kind: residential, rent_cents: 50000, due_day: 1, grace_days: 5, tenants: ${tenant('T2')}}`,
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: BIG, id: R3, kind: rent, amount_cents: 200000}',
    '  - {at: 2026-03-01, type: charge, lease: SMALL, id: R3, kind: rent, amount_cents: 50000}',
  ]);
  const steps = (lease: string) =>
    report.actions.filter((a) => a.lease === lease && a.step).map((a) => [a.step, String(a.at).slice(0, 10), a.status]);
  expect(steps('BIG')).toEqual([
    ['big-call', '2026-03-11', 'sent'],
    ['l3-letter', '2026-03-21', 'sent'],
  ]);
  expect(steps('SMALL')).toEqual([
    ['small-email', '2026-03-13', 'sent'],
    ['l3-letter', '2026-03-21', 'sent'],
  ]);
});
