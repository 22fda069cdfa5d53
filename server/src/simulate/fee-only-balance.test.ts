import { actionsOf, simulateText } from './testing.ts';

// A tenant who paid March late (one $75 late fee) and then every rent in full on its due day,
// never the fee. The ledger applies money oldest first, so each month's rent first pays the
// fee and leaves $75 of that month's rent "open"; escalation reads the ledger rent-first
// (engine/rent-first.ts): the fee is what stays unpaid, at its own age.

const months = ['03', '04', '05', '06', '07'];
const scenario = [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-07-31',
  'policy: default-residential',
  'users: [{id: agent-7, role: agent}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     late_fee: {kind: flat, amount_cents: 7500}, collector: first_party,',
  '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test, phone: "+14155550101", sms_consent: true}]}',
  'events:',
  ...months.map(
    (m) => `  - {at: 2026-${m}-01, type: charge, lease: L1, id: RENT-${m}, kind: rent, amount_cents: 200000}`,
  ),
  '  - {at: "2026-03-10T10:00:00-07:00", type: payment, lease: L1, id: PAY-03, amount_cents: 200000}',
  ...months
    .slice(1)
    .map(
      (m) => `  - {at: "2026-${m}-01T10:00:00-07:00", type: payment, lease: L1, id: PAY-${m}, amount_cents: 200000}`,
    ),
];

test('rent paid in full every month after one unpaid fee: no second fee, no restarted ladder, no hand-off', async () => {
  const report = await simulateText(scenario);
  // Exactly one late fee, for March: April to July rent was paid on its due day.
  expect(actionsOf(report, 'L1', 'late_fee')).toMatchObject([
    { status: 'posted', amount_cents: 7500, at: '2026-03-07T08:00:00-08:00' },
  ]);
  // No day looks current: the lease is never "cured" while the fee is unpaid, so the ladder is
  // not started over each month. Its post-due steps belong to March's rent and, once that was
  // paid on Mar 10, to the fee (due Mar 7: its day-3 text that day); none to a later month.
  expect(actionsOf(report, 'L1', 'cure')).toEqual([]);
  const lateSteps = actionsOf(report, 'L1').filter((a) => a.step === 'late-email' || a.step === 'late-sms');
  expect(lateSteps.map((a) => a.id)).toEqual([
    'L1:late-email:2026-03-01',
    'L1:late-sms:2026-03-01',
    'L1:late-sms:2026-03-07',
  ]);
  // The levels follow the fee's age (due Mar 7) and the $75 balance, once each.
  expect(report.levels.map((l) => [l.at.slice(0, 10), l.level, l.days_past_due, l.balance_cents])).toEqual([
    ['2026-03-02', 'L1', 1, 200000],
    ['2026-03-17', 'L2', 10, 7500],
    ['2026-03-28', 'L3', 21, 7500],
  ]);
  // California demands rent only: nothing to demand. And $75 of fees is no agency placement
  // (default-residential@2's hand-off needs $250 owed).
  expect(actionsOf(report, 'L1', 'notice')).toMatchObject([
    { notice: 'pay_or_quit', status: 'suppressed', reason: 'nothing_to_demand' },
  ]);
  expect(actionsOf(report, 'L1').filter((a) => a.type === 'placement' || a.type === 'approval_request')).toEqual([]);
  expect(report.final.L1).toMatchObject({ level: 'L3', balance_cents: 7500 });
});

test('the same tenant paying the fee with the July rent is cured that day', async () => {
  const report = await simulateText([
    ...scenario.filter((line) => !line.includes('PAY-07')),
    '  - {at: "2026-07-01T10:00:00-07:00", type: payment, lease: L1, id: PAY-07, amount_cents: 207500}',
  ]);
  expect(actionsOf(report, 'L1', 'cure')).toMatchObject([{ status: 'cured', at: '2026-07-01T10:00:00-07:00' }]);
  expect(report.final.L1).toMatchObject({ level: 'current', balance_cents: 0 });
});
