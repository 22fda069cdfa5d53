import { actionsOf, simulateText } from './testing.ts';

// A bounced check pays nothing: a pay-or-quit cured by a payment that comes back NSF runs again
// from its own service day, and the referral its cure withdrew may be drafted once more.

const scenario = (returnedAt: string | null) => [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-04-20',
  'policy: default-residential',
  'users: [{id: manager-2, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: L1, id: RENT-03, kind: rent, amount_cents: 200000}',
  '  - {at: "2026-03-26T18:30:00-07:00", type: approval, request: "L1:pay-or-quit:2026-03-01", decision: approve, by: manager-2}',
  '  - {at: "2026-03-30T11:00:00-07:00", type: payment, lease: L1, id: PAY-1, amount_cents: 200000}',
  ...(returnedAt ? [`  - {at: "${returnedAt}", type: reversal, lease: L1, id: NSF-1, of: PAY-1, reason: nsf}`] : []),
];

const referrals = (report: Awaited<ReturnType<typeof simulateText>>) =>
  actionsOf(report, 'L1', 'approval_request')
    .filter((a) => a.action === 'referral')
    .map((a) => [a.status, a.reason ?? null, a.earliest_on ?? null]);

test('a cure by a payment returned inside the notice period is undone: the notice runs and the referral comes back', async () => {
  const report = await simulateText(scenario('2026-04-01T09:00:00-07:00'));
  expect(actionsOf(report, 'L1', 'notice').map((n) => [n.status, n.reason ?? null, n.expires_on])).toEqual([
    ['sent', 'payment_returned', '2026-04-02'],
  ]);
  expect(referrals(report)).toEqual([
    ['cancelled', 'notice_cured', '2026-04-03'],
    ['awaiting_approval', null, '2026-04-03'],
  ]);
});

test('a payment that stands keeps the notice cured and the referral withdrawn', async () => {
  const report = await simulateText(scenario(null));
  expect(actionsOf(report, 'L1', 'notice').map((n) => [n.status, n.reason ?? null])).toEqual([
    ['cured', 'demanded_amount_paid'],
  ]);
  expect(referrals(report)).toEqual([['cancelled', 'notice_cured', '2026-04-03']]);
});
