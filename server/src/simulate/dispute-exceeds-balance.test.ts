import { actionsOf, only, simulateText } from './testing.ts';

// A dispute covers at most what is owed, and not already disputed, when it is entered. A larger
// one is refused like any refused input: a blocked `hold` action, `dispute_exceeds_balance`, and
// no hold (it was accepted, and its excess silently offset the next month's rent).

const scenario = (holds: string[]) => [
  'version: 1',
  'start: 2026-04-01',
  'end: 2026-05-14',
  'policy: default-residential',
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12, cares_covered: false}]',
  'leases:',
  '  - {id: DD, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: TD, name: D D, email: d@example.test}]}',
  'events:',
  '  - {at: 2026-04-01, type: charge, lease: DD, id: R4, kind: rent, amount_cents: 200000}',
  '  - {at: 2026-05-01, type: charge, lease: DD, id: R5, kind: rent, amount_cents: 200000}',
  ...holds,
];

test('a dispute larger than the balance is refused, recorded blocked, and changes nothing', async () => {
  const report = await simulateText(
    scenario([
      '  - {at: "2026-04-08T10:00:00-07:00", type: hold, lease: DD, id: DS, kind: dispute, amount_cents: 300000, by: agent-1}',
    ]),
  );
  expect(only(actionsOf(report, 'DD', 'hold'))).toMatchObject({
    id: 'DD:hold:DS',
    status: 'blocked',
    reason: 'dispute_exceeds_balance',
    kind: 'dispute',
    amount_cents: 300000,
  });
  expect(actionsOf(report, 'DD', 'crm_update').filter((a) => a.template === 'hold-flag')).toEqual([]);
  expect(report.final.DD).toMatchObject({ disputed_cents: 0, holds: [] });
  // Escalation goes on as if it had not been entered: April's rent and fee stay owed.
  expect(report.levels.find((l) => l.at.startsWith('2026-04-11'))).toMatchObject({
    level: 'L2',
    balance_cents: 207500,
  });
});

test('the whole balance may be disputed; a second dispute beyond what is left undisputed is refused', async () => {
  const report = await simulateText(
    scenario([
      '  - {at: "2026-04-08T10:00:00-07:00", type: hold, lease: DD, id: D1, kind: dispute, amount_cents: 150000, by: agent-1}',
      '  - {at: "2026-04-09T10:00:00-07:00", type: hold, lease: DD, id: D2, kind: dispute, amount_cents: 60000, by: agent-1}',
      '  - {at: "2026-04-10T10:00:00-07:00", type: hold, lease: DD, id: D3, kind: dispute, amount_cents: 57500, by: agent-1}',
    ]),
  );
  expect(actionsOf(report, 'DD', 'hold').map((a) => [a.id, a.status, a.reason])).toEqual([
    ['DD:hold:D1', 'posted', undefined],
    ['DD:hold:D2', 'blocked', 'dispute_exceeds_balance'],
    ['DD:hold:D3', 'posted', undefined],
  ]);
  expect(report.final.DD).toMatchObject({ disputed_cents: 207500 });
});
