import { actionsOf, simulateText } from './testing.ts';

// What a demand notice demands, and when there is nothing to demand. California's pay-or-quit
// demands rent only. A lease whose oldest unpaid charge is a fee has
// nothing to demand when the notice's day comes; that is not the end of it: once rent is owed
// under the same anchor, or a dispute over the rent is resolved, the notice is drafted.

const header = [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-05-10',
  'policy: default-residential',
  'users: [{id: agent-7, role: agent}, {id: manager-2, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     late_fee: {kind: flat, amount_cents: 7500}, collector: first_party,',
  '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: L1, id: RENT-03, kind: rent, amount_cents: 200000}',
  '  - {at: 2026-04-01, type: charge, lease: L1, id: RENT-04, kind: rent, amount_cents: 200000}',
];

const notices = (report: Awaited<ReturnType<typeof simulateText>>) =>
  actionsOf(report, 'L1').filter((a) => a.notice === 'pay_or_quit');

test('March paid late, its fee and April rent unpaid: the pay-or-quit waits for rent, then is drafted', async () => {
  const report = await simulateText([
    ...header,
    '  - {at: "2026-03-10T10:00:00-07:00", type: payment, lease: L1, id: PAY-03, amount_cents: 200000}',
  ]);
  // Anchored on the fee (due Mar 7): day 21 is Mar 28, when only the fee is owed.
  expect(notices(report).map((a) => [a.id, a.type, a.status, a.reason ?? null, String(a.at).slice(0, 10)])).toEqual([
    ['L1:pay-or-quit:2026-03-07', 'notice', 'suppressed', 'nothing_to_demand', '2026-03-28'],
    // April rent is late from Apr 7 (due Apr 1, five days' grace): drafted that day.
    ['L1:pay-or-quit:2026-03-07#2', 'approval_request', 'awaiting_approval', null, '2026-04-07'],
  ]);
});

test('the rent disputed in full, then the dispute resolved: the notice is drafted after it', async () => {
  const report = await simulateText([
    ...header.filter((line) => !line.includes('RENT-04')),
    '  - {at: 2026-03-15, type: hold, lease: L1, id: D1, kind: dispute, by: agent-7, amount_cents: 200000}',
    '  - {at: 2026-04-10, type: hold_release, hold: D1, by: manager-2, reason: resolved}',
  ]);
  // The dispute covers March's rent (the oldest open charge): the undisputed fee (due Mar 7) is
  // the anchor while it lasts, and its day 21 has only the fee to demand. Resolved, March's rent
  // is the anchor again: its demand letter goes Apr 10, the pay-or-quit the next day.
  expect(notices(report).map((a) => [a.id, a.status, a.reason ?? null, String(a.at).slice(0, 10)])).toEqual([
    ['L1:pay-or-quit:2026-03-07', 'suppressed', 'nothing_to_demand', '2026-03-28'],
    ['L1:pay-or-quit:2026-03-01', 'awaiting_approval', null, '2026-04-11'],
  ]);
});

test('nothing more to demand, ever: one suppression on record, no second one', async () => {
  const report = await simulateText([
    ...header.filter((line) => !line.includes('RENT-04')),
    '  - {at: "2026-03-10T10:00:00-07:00", type: payment, lease: L1, id: PAY-03, amount_cents: 200000}',
  ]);
  expect(notices(report).map((a) => [a.id, a.status])).toEqual([['L1:pay-or-quit:2026-03-07', 'suppressed']]);
});

test('a notice served on a due date demands only what is late that day, not the rent due that day', async () => {
  const report = await simulateText([
    ...header,
    '  - {at: "2026-03-31T10:00:00-07:00", type: request, lease: L1, id: PQ, action: notice, notice: pay_or_quit, by: agent-7}',
    '  - {at: "2026-04-01T08:00:00-07:00", type: approval, request: PQ, decision: approve, by: manager-2}',
  ]);
  const served = actionsOf(report, 'L1', 'notice').find((a) => a.request === 'PQ');
  // Served Apr 1 in the 17:00 letter batch: March rent only; April's is due that very day.
  expect(served).toMatchObject({ status: 'sent', served_on: '2026-04-01', amount_demanded_cents: 200000 });
});
