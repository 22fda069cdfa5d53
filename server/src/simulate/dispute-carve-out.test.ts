import { actionsOf, only, simulateText } from './testing.ts';

// A dispute names an amount, not charges: it covers the charges open when it was entered (oldest
// due first; on one due date rent last), and escalation acts on what it does not cover. April's
// rent and its $75 fee disputed in full on Apr 8; May's rent posts May 1 and is escalated on its
// own, at its own age (it was escalated at April's: L3 on May 2, a pay-or-quit for April).

/** Lease DD with April's and May's rent, and `events` after them. */
const ledger = (end: string, events: string[]) => [
  'version: 1',
  'start: 2026-04-01',
  `end: ${end}`,
  'policy: default-residential',
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12, cares_covered: false}]',
  'leases:',
  '  - {id: DD, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: TD, name: D D, email: d@example.test}]}',
  'events:',
  '  - {at: 2026-04-01, type: charge, lease: DD, id: R4, kind: rent, amount_cents: 200000}',
  '  - {at: 2026-05-01, type: charge, lease: DD, id: R5, kind: rent, amount_cents: 200000}',
  ...events,
];

/** April's rent and fee disputed in full on Apr 8. */
const scenario = (end: string, more: string[] = []) =>
  ledger(end, [
    '  - {at: "2026-04-08T10:00:00-07:00", type: hold, lease: DD, id: DS, kind: dispute, amount_cents: 207500, by: agent-1}',
    ...more,
  ]);

test('rent posted after a whole-balance dispute is escalated at its own age, from L1', async () => {
  const report = await simulateText(scenario('2026-05-14'));
  expect(report.levels.map((l) => [l.at.slice(0, 10), l.level, l.days_past_due, l.balance_cents])).toEqual([
    ['2026-04-02', 'L1', 1, 200000],
    ['2026-04-08', 'current', 0, 0],
    ['2026-05-02', 'L1', 1, 200000],
    ['2026-05-11', 'L2', 10, 207500],
  ]);
  // May's own late email and text; nothing more under April's anchor after the dispute.
  const steps = actionsOf(report, 'DD').filter((a) => a.step !== undefined && String(a.at) >= '2026-04-08');
  expect(steps.filter((a) => String(a.id).includes(':2026-04-01'))).toEqual([]);
  expect(steps.map((a) => a.id)).toEqual(
    expect.arrayContaining(['DD:late-email:2026-05-01', 'DD:late-sms:2026-05-01']),
  );
  // No pay-or-quit this early: May's rent is 13 days past due on May 14.
  expect(actionsOf(report, 'DD').filter((a) => a.notice === 'pay_or_quit')).toEqual([]);
  expect(report.final.DD).toMatchObject({ level: 'L2', balance_cents: 415000, disputed_cents: 207500 });
});

test("the pay-or-quit for May's rent demands May's rent, none of the disputed April charges", async () => {
  const report = await simulateText(
    scenario('2026-05-31', [
      '  - {at: "2026-05-25T10:00:00-07:00", type: approval, request: "DD:pay-or-quit:2026-05-01", decision: approve, by: manager-1}',
    ]),
  );
  const request = only(actionsOf(report, 'DD', 'approval_request').filter((a) => a.notice === 'pay_or_quit'));
  expect(request).toMatchObject({ id: 'DD:pay-or-quit:2026-05-01', at: '2026-05-22T09:00:00-07:00' });
  const notice = only(actionsOf(report, 'DD', 'notice').filter((n) => n.status === 'sent'));
  expect(notice).toMatchObject({ notice: 'pay_or_quit', amount_demanded_cents: 200000 });
});

test('paying exactly the undisputed amount cures: the money pays May, not the disputed April rent', async () => {
  const report = await simulateText(
    scenario('2026-05-31', [
      '  - {at: "2026-05-03T10:00:00-07:00", type: payment, lease: DD, id: P5, amount_cents: 200000}',
    ]),
  );
  expect(report.levels.map((l) => [l.at.slice(0, 10), l.level])).toEqual([
    ['2026-04-02', 'L1'],
    ['2026-04-08', 'current'],
    ['2026-05-02', 'L1'],
    ['2026-05-03', 'current'],
  ]);
  expect(actionsOf(report, 'DD', 'late_fee').map((f) => f.id)).toEqual(['DD:late_fee:2026-04-01']);
  expect(report.final.DD).toMatchObject({ level: 'current', balance_cents: 207500, disputed_cents: 207500 });
});

test('released, the dispute covers nothing: April is owed again at its own age', async () => {
  const report = await simulateText(
    scenario('2026-05-01', [
      '  - {at: "2026-04-20T10:00:00-07:00", type: hold_release, lease: DD, hold: DS, by: manager-1, reason: dispute_resolved}',
    ]),
  );
  expect(report.levels.map((l) => [l.at.slice(0, 10), l.level, l.days_past_due])).toEqual([
    ['2026-04-02', 'L1', 1],
    ['2026-04-08', 'current', 0],
    ['2026-04-20', 'L2', 19],
    ['2026-04-22', 'L3', 21],
  ]);
  expect(report.final.DD).toMatchObject({ disputed_cents: 0, holds: [] });
});

// A dispute covers at most what is owed, and not already disputed, when it is entered. A larger
// one is refused like any refused input: a blocked `hold` action, `dispute_exceeds_balance`, and
// no hold (it was accepted, and its excess silently offset the next month's rent).

test('a dispute larger than the balance is refused, recorded blocked, and changes nothing', async () => {
  const report = await simulateText(
    ledger('2026-05-14', [
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
    ledger('2026-05-14', [
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
