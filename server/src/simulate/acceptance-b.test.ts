import { actionsOf, day, only, simulateFile } from './testing.ts';

// Acceptance scenarios 6-8 of domain-and-compliance.md §4, run through `simulate`.

test('6. cure race and NSF: one entry for three deliveries, SMS suppressed at dispatch, NSF re-enters L2 at once, one NSF fee, L3 on Mar 18', async () => {
  const report = await simulateFile('06-cure-race-and-nsf.yaml');
  const levels = report.levels.map((l) => [l.at.slice(0, 16), l.level, l.days_past_due, l.balance_cents]);
  expect(levels).toContainEqual(['2026-03-03T00:00', 'L2', 30, 400000]);
  // One transition for the payment, however often its webhook came.
  expect(levels.filter(([at]) => String(at).startsWith('2026-03-05'))).toEqual([
    ['2026-03-05T09:59', 'grace', 4, 200000],
  ]);
  expect(levels).toContainEqual(['2026-03-09T00:00', 'L2', 36, 400000]);
  expect(levels).toContainEqual(['2026-03-18T00:00', 'L3', 45, 402500]);
  const sms = only(actionsOf(report, 'L6', 'sms'));
  expect(sms).toMatchObject({ at: '2026-03-05T10:00:00-08:00', status: 'suppressed' });
  const nsf = only(actionsOf(report, 'L6', 'nsf_fee'));
  expect(nsf).toMatchObject({ status: 'posted', amount_cents: 2500 });
  expect(day(nsf)).toBe('2026-03-09');
  expect(day(only(actionsOf(report, 'L6', 'letter')))).toBe('2026-03-18');
});

test('7. promise to pay: kept after $1,200; $800 breaks it and escalation resumes Mon Apr 20 at the paused step; a long plan needs a manager', async () => {
  const report = await simulateFile('07-promise-to-pay.yaml');
  // Kept so far: nothing automated after the promise, the hold is still on at the end.
  expect(actionsOf(report, 'L7A').filter((a) => day(a) > '2026-04-10' && a.status === 'sent')).toEqual([]);
  expect(report.final.L7A).toMatchObject({ holds: [expect.objectContaining({ id: 'PTP-A', kind: 'promise_to_pay' })] });
  const broken = only(actionsOf(report, 'L7B', 'hold_broken'));
  expect(broken).toMatchObject({ resumes_on: '2026-04-20', reason: 'missed_2026-04-17' });
  const resumed = actionsOf(report, 'L7B').filter((a) => a.status === 'sent' && day(a) > '2026-04-10');
  expect(resumed[0]).toMatchObject({ step: 'crm-flag' });
  expect(day(resumed[0]!)).toBe('2026-04-20');
  expect(resumed.find((a) => a.step === 'demand-letter')).toMatchObject({ at: expect.stringMatching(/^2026-04-21/) });
  const plan = only(actionsOf(report, 'L7C', 'hold'));
  expect(plan).toMatchObject({ status: 'approved', reason: 'long_plan_needs_manager_approval' });
  expect(actionsOf(report, 'L7C', 'approval').map((a) => [a.status, a.reason ?? null])).toEqual([
    ['blocked', 'drafter_cannot_approve'],
    ['approved', null],
  ]);
});

test('8. bankruptcy: 14:30 SMS and 17:00 letter excluded, fees stop, credit blocked, CRM flagged, only counsel with an order resumes', async () => {
  const report = await simulateFile('08-bankruptcy-stay.yaml');
  const stay = { citation: '11 U.S.C. 362(a), 362(b)(22)' };
  expect(only(actionsOf(report, 'L8', 'sms'))).toMatchObject({
    at: '2026-06-10T14:30:00-07:00',
    status: 'blocked',
    reason: 'bankruptcy_stay',
    rule: stay,
  });
  expect(only(actionsOf(report, 'L8', 'letter'))).toMatchObject({
    at: '2026-06-10T17:00:00-07:00',
    status: 'blocked',
    reason: 'bankruptcy_stay',
  });
  expect(only(actionsOf(report, 'L8', 'credit_report'))).toMatchObject({
    status: 'blocked',
    reason: 'bankruptcy_stay',
  });
  expect(only(actionsOf(report, 'L8', 'crm_update'))).toMatchObject({ flag: 'Bankruptcy – stay', status: 'sent' });
  const feeDays = actionsOf(report, 'L8', 'late_fee').map(day);
  expect(feeDays.filter((d) => d >= '2026-06-11' && d <= '2026-06-21')).toEqual([]);
  expect(actionsOf(report, 'L8', 'hold_release').map((a) => [a.status, a.reason ?? null])).toEqual([
    ['blocked', 'counsel_only'],
    ['blocked', 'release_reason_not_accepted'],
    ['posted', null],
  ]);
  // Released Jun 22 at 09:00: that day's 08:00 fee came under the stay; accrual resumes Jun 23.
  expect(feeDays).not.toContain('2026-06-22');
  expect(feeDays).toContain('2026-06-23');
});
