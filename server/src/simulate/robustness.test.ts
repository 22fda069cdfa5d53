import { actionsOf, simulateFile, simulateText } from './testing.ts';

// Scenario files written by hand, as a customer or auditor would, that once went wrong.

test('two leases may use the same hold id: each gets its own hold, and a release naming the lease lifts only that one', async () => {
  const report = await simulateText(
    [
      'version: 1',
      'start: 2026-06-01',
      'end: 2026-06-12',
      'policy: default-residential',
      'users: [{id: agent-1, role: agent}, {id: counsel-1, role: counsel}]',
      'properties: [{id: CA, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 30}]',
      'leases:',
      '  - {id: A, property: CA, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5,',
      '     tenants: [{id: TA, name: A, email: a@example.test, phone: "+14155550501", sms_consent: true}]}',
      '  - {id: B, property: CA, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5,',
      '     tenants: [{id: TB, name: B, email: b@example.test, phone: "+14155550502", sms_consent: true}]}',
      'events:',
      '  - {at: 2026-06-01, type: charge, lease: A, id: R-06, kind: rent, amount_cents: 100000}',
      '  - {at: 2026-06-01, type: charge, lease: B, id: R-06, kind: rent, amount_cents: 100000}',
      '  - {at: "2026-06-02T10:00:00-07:00", type: hold, lease: A, id: H1, kind: bankruptcy, chapter: 7, by: agent-1}',
      '  - {at: "2026-06-02T10:00:00-07:00", type: hold, lease: B, id: H1, kind: bankruptcy, chapter: 13, by: agent-1}',
      '  - {at: "2026-06-05T10:00:00-07:00", type: hold_release, hold: H1, lease: B, by: counsel-1, reason: stay_relief_order}',
      '  - {at: "2026-06-08T10:00:00-07:00", type: request, lease: A, id: CALL, action: call, by: agent-1}',
      '  - {at: "2026-06-08T10:00:00-07:00", type: request, lease: B, id: CALL, action: call, by: agent-1}',
    ].join('\n'),
  );
  // Before the fix the second H1 was silently dropped (hold ids were unique per org), so lease B
  // was never under its bankruptcy stay.
  expect(actionsOf(report, 'A', 'hold')).toMatchObject([{ status: 'posted', hold: 'A/H1', kind: 'bankruptcy' }]);
  expect(actionsOf(report, 'B', 'hold')).toMatchObject([{ status: 'posted', hold: 'B/H1', kind: 'bankruptcy' }]);
  expect(actionsOf(report, 'B', 'hold_release')).toMatchObject([{ status: 'posted', hold: 'B/H1' }]);
  expect(report.final.A).toMatchObject({ holds: [{ id: 'A/H1', kind: 'bankruptcy', status: 'active' }] });
  expect(report.final.B).toMatchObject({ holds: [] });
  expect(actionsOf(report, 'A', 'call')).toMatchObject([
    { request: 'CALL', status: 'blocked', reason: 'bankruptcy_stay' },
  ]);
  expect(actionsOf(report, 'B', 'call').filter((a) => a.request)).toMatchObject([{ request: 'CALL', status: 'sent' }]);
});

test('a hold_release timed before its hold (events in any order) is blocked, not a crash, and the hold still starts', async () => {
  const report = await simulateText(
    [
      'version: 1',
      'start: 2026-03-01',
      'end: 2026-03-06',
      'policy: default-residential',
      'users: [{id: agent-1, role: agent}, {id: counsel-1, role: counsel}]',
      'properties: [{id: CA, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 5}]',
      'leases:',
      '  - {id: E1, property: CA, kind: residential, rent_cents: 100000, due_day: 1, tenants: [{id: T1, name: Sam}]}',
      'events:',
      '  - {at: 2026-03-03, type: hold_release, hold: H, by: counsel-1, reason: stay_relief_order}',
      '  - {at: 2026-03-04, type: hold, lease: E1, id: H, kind: bankruptcy, chapter: 13, by: agent-1}',
    ].join('\n'),
  );
  expect(actionsOf(report, 'E1', 'hold_release')).toMatchObject([
    { at: '2026-03-03T00:00:00-08:00', status: 'blocked', reason: 'hold_not_recorded_yet', hold: 'H' },
  ]);
  expect(report.final.E1).toMatchObject({ holds: [{ id: 'H', kind: 'bankruptcy', status: 'active' }] });
});

test('scenarios/robustness-portfolio.yaml: out of order, re-delivered, shared hold ids, DST quiet hours in two zones, same JSON twice', async () => {
  const report = await simulateFile('robustness-portfolio.yaml');
  // PAY-1 came three times (once in UTC): one cure.
  expect(actionsOf(report, '101', 'cure')).toMatchObject([{ at: '2026-03-05T09:59:00-08:00', status: 'cured' }]);
  expect(report.levels.filter((l) => l.lease === '101').map((l) => l.level)).toEqual(['L1', 'current']);
  expect(actionsOf(report, '101', 'call')).toMatchObject([
    { request: 'CALL-1', status: 'blocked', reason: 'bankruptcy_stay' },
  ]);
  expect(report.final['101']).toMatchObject({ holds: [{ id: '101/H1', kind: 'bankruptcy' }] });
  // New York address, Chicago phone: both zones must be between 08:00 and 21:00, across DST.
  const sms = actionsOf(report, 'NY-4C', 'sms').filter((a) => a.request);
  expect(sms.map((a) => [a.request, a.at, a.status, a.reason ?? null])).toEqual([
    ['SMS-0830', '2026-03-07T08:30:00-05:00', 'blocked', 'quiet_hours'],
    ['SMS-0901', '2026-03-07T09:01:00-05:00', 'sent', null],
    ['SMS-DST-0830', '2026-03-08T08:30:00-04:00', 'blocked', 'quiet_hours'],
    ['SMS-DST-0900', '2026-03-08T09:00:00-04:00', 'sent', null],
    ['SMS-2130', '2026-03-09T21:30:00-04:00', 'blocked', 'quiet_hours'],
  ]);
  expect(actionsOf(report, 'WA-9', 'hold_release')).toMatchObject([
    { status: 'blocked', reason: 'hold_not_recorded_yet' },
  ]);
  expect(actionsOf(report, 'WA-9', 'hold')).toHaveLength(1);
  // WA-9's manual hold (Mar 5-9) paused the daily fee; it accrues again from Mar 10, the first
  // day after the hold (it used to resume only on Mar 11).
  expect(actionsOf(report, 'WA-9', 'late_fee').map((a) => [String(a.at).slice(0, 10), a.amount_cents])).toEqual([
    ['2026-03-05', 2500],
    ['2026-03-10', 500],
    ['2026-03-11', 500],
    ['2026-03-12', 500],
  ]);
  expect(report.audit).toMatchObject({ verified: true });
  expect(JSON.stringify(await simulateFile('robustness-portfolio.yaml'))).toBe(JSON.stringify(report));
});

test('a commercial lease in a default-residential portfolio is on default-commercial, as in production', async () => {
  const report = await simulateText(
    [
      'version: 1',
      'start: 2026-07-01',
      'end: 2026-07-07',
      'policy: default-residential',
      'properties: [{id: NY, jurisdiction: US-NY, timezone: America/New_York, units: 40}]',
      'leases:',
      '  - {id: SHOP, property: NY, kind: commercial, rent_cents: 500000, due_day: 1,',
      '     tenants: [{id: T1, name: Shop, type: business, email: s@example.test, phone: "+12125550101", sms_consent: true}]}',
      '  - {id: APT, property: NY, kind: residential, rent_cents: 200000, due_day: 1,',
      '     tenants: [{id: T2, name: Apt, email: a@example.test, phone: "+12125550102", sms_consent: true}]}',
      'events:',
      '  - {at: 2026-07-01, type: charge, lease: SHOP, id: R-07, kind: rent, amount_cents: 500000}',
      '  - {at: 2026-07-01, type: charge, lease: APT, id: R-07, kind: rent, amount_cents: 200000}',
    ].join('\n'),
  );
  const steps = (lease: string) => actionsOf(report, lease).flatMap((a) => (a.step ? [String(a.step)] : []));
  expect(steps('SHOP')).toContain('account-task');
  expect(steps('SHOP')).not.toContain('late-sms');
  expect(steps('APT')).toContain('late-sms');
});
