import fs from 'node:fs';
import path from 'node:path';
import { parseScenario } from './load.ts';
import { actionsOf, day, only, SCENARIOS, simulateFile } from './testing.ts';

// Acceptance scenarios 1-3 and 5 of domain-and-compliance.md §4, run through `simulate`.

test('1. California: one $75 fee on Mar 7; pay-or-quit demands rent only, expires Apr 2; payment cures it and cancels the referral', async () => {
  const report = await simulateFile('01-california-pay-or-quit.yaml');
  const fee = only(actionsOf(report, 'L1', 'late_fee'));
  expect(fee).toMatchObject({ at: '2026-03-07T08:00:00-08:00', status: 'posted', amount_cents: 7500 });
  const notice = only(actionsOf(report, 'L1', 'notice'));
  expect(notice).toMatchObject({
    notice: 'pay_or_quit',
    served_on: '2026-03-27',
    amount_demanded_cents: 200000,
    expires_on: '2026-04-02',
    earliest_next_step_on: '2026-04-03',
    status: 'cured',
    approved_by: 'manager-2',
    rule: { id: 'US-CA/pay-or-quit@2019-01-01', citation: 'Cal. Code Civ. Proc. 1161(2)', verified: true },
  });
  expect(day(notice)).toBe('2026-03-27');
  // The guarantor is served the notice too; reminders go to the tenant only.
  expect(notice.recipients).toEqual(['T1', 'T1G']);
  expect(actionsOf(report, 'L1', 'email').every((e) => JSON.stringify(e.recipients) === '["T1"]')).toBe(true);
  const blockedApproval = only(actionsOf(report, 'L1', 'approval'));
  expect(blockedApproval).toMatchObject({ status: 'blocked', reason: 'role_not_permitted' });
  const referral = actionsOf(report, 'L1', 'approval_request').find((a) => a.action === 'referral');
  expect(referral).toMatchObject({ status: 'cancelled', reason: 'notice_cured', earliest_on: '2026-04-03' });
  // The re-delivered charge counted once: the final balance is the fee alone.
  expect(report.final.L1).toMatchObject({ balance_cents: 7500 });
  expect(report.audit.verified).toBe(true);
});

test('2. New York: certified rent-not-received notice May 7 with tracking; fee May 7 capped at $50; demand served May 8 blocks referral until after May 22; SMS demand refused', async () => {
  const report = await simulateFile('02-new-york-rent-demand.yaml');
  const fee = only(actionsOf(report, 'L2', 'late_fee'));
  expect(fee).toMatchObject({
    status: 'posted',
    amount_cents: 5000,
    rule: { citation: 'N.Y. Real Prop. Law 238-a(2)' },
  });
  expect(day(fee)).toBe('2026-05-07');
  const notices = actionsOf(report, 'L2', 'notice');
  const rnr = only(notices.filter((n) => n.notice === 'rent_not_received'));
  expect(rnr).toMatchObject({ status: 'sent', channel: 'certified_letter', served_on: '2026-05-07' });
  expect(String(rnr.tracking_number)).toMatch(/^\d{22}$/);
  const sms = only(notices.filter((n) => n.request === 'DEMAND-SMS'));
  expect(sms).toMatchObject({ status: 'blocked', reason: 'channel_not_permitted' });
  const demand = only(notices.filter((n) => n.request === 'DEMAND-1'));
  expect(demand).toMatchObject({
    status: 'sent',
    served_on: '2026-05-08',
    expires_on: '2026-05-22',
    earliest_next_step_on: '2026-05-23',
  });
  const early = only(actionsOf(report, 'L2', 'referral'));
  expect(early).toMatchObject({
    request: 'ESC-EARLY',
    status: 'blocked',
    reason: 'notice_period_running',
    rule: { citation: 'N.Y. RPAPL 711(2)' },
  });
  const referral = actionsOf(report, 'L2', 'approval_request').find((a) => a.action === 'referral');
  expect(referral).toMatchObject({ status: 'awaiting_approval', earliest_on: '2026-05-23' });
  // The policy's own demand step finds the demand already served and does not serve a second.
  expect(notices.filter((n) => n.notice === 'rent_demand_14_day' && n.status === 'sent')).toHaveLength(1);
});

test('3. Texas: fees from Jul 4, $75 + $10/day capped at $150 (12 units) and $180 (4 units); unverified notice rule needs counsel', async () => {
  const report = await simulateFile('03-texas-daily-fee-cap.yaml');
  for (const [lease, cap] of [
    ['L3', 15000],
    ['L3S', 18000],
  ] as const) {
    const fees = actionsOf(report, lease, 'late_fee');
    expect(day(fees[0]!)).toBe('2026-07-04');
    expect(fees[0]).toMatchObject({ amount_cents: 7500, rule: { citation: 'Tex. Prop. Code 92.019' } });
    expect(fees.reduce((sum, f) => sum + Number(f.amount_cents), 0)).toBe(cap);
    expect(fees.every((f) => f.status === 'posted' && day(f) >= '2026-07-04')).toBe(true);
  }
  const refused = only(actionsOf(report, 'L3', 'approval'));
  expect(refused).toMatchObject({ status: 'blocked', reason: 'counsel_approval_required' });
  const notice = only(actionsOf(report, 'L3', 'notice'));
  expect(notice).toMatchObject({
    status: 'sent',
    approved_by: 'counsel-1',
    template: 'tx-24-005-notice-to-vacate-sb38',
    rule: { id: 'US-TX/notice-to-vacate@2026-01-01', verified: false },
  });
});

test('5. CARES: vacate date no earlier than Nov 6; removing the covered flag needs a manager, not its drafter', async () => {
  const report = await simulateFile('05-cares-notice-to-vacate.yaml');
  const notice = actionsOf(report, 'L5', 'notice').find((n) => n.status === 'sent');
  expect(notice).toMatchObject({ served_on: '2026-10-07', expires_on: '2026-11-06' });
  expect(notice?.also).toEqual([expect.objectContaining({ citation: '15 U.S.C. 9058(c)' })]);
  const approvals = actionsOf(report, 'L5', 'approval');
  expect(approvals.map((a) => a.reason)).toEqual(['counsel_approval_required', 'drafter_cannot_approve']);
  expect(only(actionsOf(report, 'L5', 'remove_cares_flag'))).toMatchObject({
    status: 'sent',
    approved_by: 'manager-5',
  });
});

test('5. CARES: a notice template with a vacate period shorter than 30 days fails validation', () => {
  const text = fs
    .readFileSync(path.join(SCENARIOS, '05-cares-notice-to-vacate.yaml'), 'utf8')
    .replace(
      'policy: default-residential',
      [
        'policy:',
        '  id: short-vacate',
        '  name: Too short for a covered property',
        '  levels:',
        '    - id: L1',
        '      days: { min: 5 }',
        '      steps: [{ id: vacate, day: 5, action: notice, notice: notice_to_vacate, period_days: 14 }]',
      ].join('\n'),
    );
  expect(() => parseScenario(text)).toThrow(
    'policy.levels[0].steps[0].period_days: 14 days is shorter than the 30 days 15 U.S.C. 9058(c) requires for covered P5',
  );
});
