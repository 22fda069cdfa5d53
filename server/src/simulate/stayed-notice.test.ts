import { actionsOf, day, simulateText } from './testing.ts';

// 11 U.S.C. 362(a): an act to obtain possession during the automatic stay is void, even when
// nobody knew of the petition. A stay recorded late reaches back over a notice served meanwhile:
// that notice no longer gates the referral, and once the stay is lifted the notice is drafted
// again for a manager to approve.

const scenario = (from: string, extra: string[] = []) => [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-05-10',
  'policy: default-residential',
  'users: [{id: manager-2, role: manager}, {id: counsel-1, role: counsel}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: L1, id: RENT-2026-03, kind: rent, amount_cents: 200000}',
  "  - {at: '2026-03-23T10:00:00-07:00', type: approval, request: 'L1:pay-or-quit:2026-03-01', decision: approve, by: manager-2}",
  `  - {at: '2026-03-30T10:00:00-07:00', type: hold, lease: L1, id: BK, kind: bankruptcy, chapter: 7, by: counsel-1, from: ${from}}`,
  "  - {at: '2026-04-20T10:00:00-07:00', type: hold_release, hold: BK, by: counsel-1, reason: stay_relief_order}",
  ...extra,
];

test('a pay-or-quit served inside a stay recorded later is void; after relief it is drafted, approved and served again', async () => {
  const report = await simulateText(
    scenario('2026-03-20', [
      "  - {at: '2026-04-21T10:00:00-07:00', type: approval, request: 'L1:pay-or-quit:2026-03-01#2', decision: approve, by: manager-2}",
    ]),
  );
  const notices = actionsOf(report, 'L1', 'notice');
  expect(notices.map((n) => [n.status, day(n), n.reason ?? null])).toEqual([
    ['cancelled', '2026-03-23', 'void_bankruptcy_stay'],
    ['sent', '2026-04-21', null],
  ]);
  const referrals = actionsOf(report, 'L1', 'approval_request').filter((a) => a.action === 'referral');
  // The referral drafted on the void notice is withdrawn; the new notice gets its own.
  expect(referrals.map((r) => [r.status, r.reason ?? null])).toEqual([
    ['cancelled', 'notice_void'],
    ['awaiting_approval', null],
  ]);
  // Gated on the notice served Tue Apr 21 (3 court days: expires Fri Apr 24), not on the void one.
  expect(referrals[1]).toMatchObject({ earliest_on: '2026-04-25' });
  expect(report.audit.verified).toBe(true);
});

test('a notice served before the petition day stands, and so does its referral', async () => {
  const report = await simulateText(scenario('2026-03-25'));
  expect(actionsOf(report, 'L1', 'notice').map((n) => [n.status, day(n)])).toEqual([['sent', '2026-03-23']]);
  const referrals = actionsOf(report, 'L1', 'approval_request').filter((a) => a.action === 'referral');
  expect(referrals.map((r) => r.status)).toEqual(['awaiting_approval']);
});
