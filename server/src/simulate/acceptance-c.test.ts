import { actionsOf, only, simulateFile } from './testing.ts';

// Acceptance scenarios 4, 9 and 10 of domain-and-compliance.md §4, run through `simulate`.

test('4. Florida: notice delivered Jun 4 expires Jun 9; a partial payment is taken with a receipt (notice no longer gates) or refused', async () => {
  const accepted = await simulateFile('04-florida-partial-payment-accepted.yaml');
  const notice = only(actionsOf(accepted, 'L4', 'notice'));
  expect(notice).toMatchObject({ served_on: '2026-06-04', expires_on: '2026-06-09', amount_demanded_cents: 180000 });
  expect(notice).toMatchObject({ status: 'cancelled', reason: 'partial_payment_accepted_new_notice_required' });
  expect(only(actionsOf(accepted, 'L4', 'receipt'))).toMatchObject({
    status: 'sent',
    amount_cents: 90000,
    balance_after_cents: 90000,
    rule: { citation: 'Fla. Stat. 83.56(5)(a)' },
  });
  expect(accepted.final.L4).toMatchObject({ balance_cents: 90000 });
  // The tenant gave no phone number: texts and calls are recorded as impossible, not sent.
  const texts = actionsOf(accepted, 'L4').filter((a) => a.type === 'sms' || a.type === 'call');
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.every((a) => a.status === 'blocked' && a.reason === 'no_phone_number')).toBe(true);

  const refused = await simulateFile('04-florida-partial-payment-rejected.yaml');
  expect(only(actionsOf(refused, 'L4', 'notice'))).toMatchObject({ status: 'sent', expires_on: '2026-06-09' });
  expect(only(actionsOf(refused, 'L4', 'payment_refused'))).toMatchObject({
    status: 'blocked',
    reason: 'partial_payment_while_notice_open',
  });
  expect(refused.final.L4).toMatchObject({ balance_cents: 180000 });
});

test('9. third-party hand-off: validation period, credit furnishing wait, call caps, quiet hours in both zones, Cancel by text', async () => {
  const report = await simulateFile('09-third-party-hand-off.yaml');
  expect(report.final.L9).toMatchObject({ balance_cents: 315000 });
  expect(only(actionsOf(report, 'L9', 'placement'))).toMatchObject({ status: 'sent', approved_by: 'manager-9' });
  expect(only(actionsOf(report, 'L9', 'notice'))).toMatchObject({
    notice: 'validation',
    served_on: '2026-09-14',
    expires_on: '2026-10-21',
  });
  const credit = actionsOf(report, 'L9', 'credit_report');
  expect(credit).toEqual([
    expect.objectContaining({ request: 'CREDIT-EARLY', status: 'blocked', reason: 'credit_furnishing_wait' }),
  ]);
  expect(actionsOf(report, 'L9', 'approval_request').find((a) => a.request === 'CREDIT-1')).toMatchObject({
    status: 'awaiting_approval',
  });
  const calls = Object.fromEntries(
    actionsOf(report, 'L9', 'call').map((c) => [c.request, [c.status, c.reason ?? null]]),
  );
  expect(calls).toMatchObject({
    'CALL-7': ['sent', null],
    'CALL-8': ['blocked', 'call_frequency_cap'],
    'CALL-2055': ['sent', null],
    'CALL-2101': ['blocked', 'quiet_hours'],
    'CALL-OCT7': ['blocked', 'call_after_conversation'],
    'CALL-OCT8': ['sent', null],
  });
  const sms = actionsOf(report, 'L9', 'sms').map((s) => [s.status, s.reason ?? null]);
  expect(sms).toEqual([
    ['sent', null],
    ['blocked', 'confirmation_already_sent'],
    ['blocked', 'consent_revoked'],
  ]);
  const both = Object.fromEntries(actionsOf(report, 'L9B', 'call').map((c) => [c.request, c.status]));
  expect(both).toEqual({ 'B-0730': 'blocked', 'B-0830': 'sent', 'B-1830': 'blocked' });
  // L9B is an agency's account from the start and nobody asked for a validation notice: it goes
  // out with the first call attempt (Reg F: in the first communication or within 5 days).
  expect(only(actionsOf(report, 'L9B', 'notice'))).toMatchObject({
    id: 'L9B:validation-notice',
    at: '2026-09-21T07:30:00-07:00',
    status: 'sent',
    notice: 'validation',
    channel: 'letter',
    served_on: '2026-09-21',
    expires_on: '2026-10-28',
  });
});

test('10. commercial: undisputed amount only, Reg F off but TCPA on, maker-checker notice of default by certified mail and email, cure Jul 24', async () => {
  const report = await simulateFile('10-commercial-dispute-notice-of-default.yaml');
  expect(report.final.L10).toMatchObject({ balance_cents: 1430000, disputed_cents: 180000 });
  expect(report.levels.at(-1)).toMatchObject({ level: 'L2', balance_cents: 1250000 });
  expect(only(actionsOf(report, 'L10', 'call'))).toMatchObject({ request: 'LATE-CALL', status: 'sent' });
  expect(only(actionsOf(report, 'L10', 'sms'))).toMatchObject({ status: 'blocked', reason: 'no_consent' });
  expect(only(actionsOf(report, 'L10', 'approval'))).toMatchObject({
    status: 'blocked',
    reason: 'drafter_cannot_approve',
  });
  const notice = actionsOf(report, 'L10', 'notice').find((n) => n.status === 'sent');
  expect(notice).toMatchObject({
    notice: 'notice_of_default',
    request: 'NOD-1',
    approved_by: 'manager-10',
    channels: ['certified_letter', 'email'],
    served_on: '2026-07-14',
    expires_on: '2026-07-24',
    amount_demanded_cents: 1250000,
  });
  expect(String(notice?.tracking_number)).toMatch(/^\d{22}$/);
  expect(String(notice?.content_sha256)).toMatch(/^[0-9a-f]{64}$/);
  expect(report.audit.verified).toBe(true);
});
