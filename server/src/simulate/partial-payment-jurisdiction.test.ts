import { actionsOf, only, simulateText } from './testing.ts';

// Fla. Stat. 83.56(5)(a) screens a payment made while Florida's 3-day notice runs: only a
// payment that leaves part of what the notice still demands unpaid is partial, and only a
// Florida lease is screened at all.

type Handling = 'accept_with_receipt' | 'reject';

function scenario(
  state: 'FL' | 'CA',
  handling: Handling,
  events: string[],
  lease: { late_fee?: string; end?: string } = {},
): string[] {
  const property =
    state === 'FL'
      ? '{id: P1, jurisdiction: US-FL, timezone: America/New_York, units: 16, cares_covered: false}'
      : '{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12, cares_covered: false}';
  return [
    'version: 1',
    'start: 2026-06-01',
    `end: ${lease.end ?? '2026-06-20'}`,
    'policy: default-residential',
    `org: {partial_payment_after_notice: ${handling}}`,
    'users:',
    '  - {id: agent-1, role: agent}',
    '  - {id: manager-1, role: manager}',
    'properties:',
    `  - ${property}`,
    'leases:',
    '  - id: A',
    '    property: P1',
    '    kind: residential',
    '    rent_cents: 180000',
    '    due_day: 1',
    '    grace_days: 2',
    ...(lease.late_fee ? [`    late_fee: ${lease.late_fee}`] : []),
    '    tenants: [{id: TA, name: A, email: a@example.test}]',
    'events:',
    '  - {at: 2026-06-01, type: charge, lease: A, id: R-06, kind: rent, amount_cents: 180000, due: 2026-06-01}',
    ...events.map((e) => `  - ${e}`),
  ];
}

// Served Thu Jun 4 (Florida: expires Tue Jun 9).
const FL_NOTICE = [
  '{at: "2026-06-04T09:00:00-04:00", type: request, lease: A, id: N1, action: notice, notice: pay_or_quit, channel: letter, by: agent-1}',
  '{at: "2026-06-04T10:00:00-04:00", type: approval, request: N1, decision: approve, by: manager-1}',
];
const FL_CREDIT =
  '{at: "2026-06-05T10:00:00-04:00", type: credit, lease: A, id: CR-1, amount_cents: 90000, reason: concession}';
const FL_PAY = (amount: number) =>
  `{at: "2026-06-08T12:00:00-04:00", type: payment, lease: A, id: PAY-1, amount_cents: ${amount}}`;

test.each<Handling>(['reject', 'accept_with_receipt'])(
  'Florida (%s): a payment of everything the notice still demands after a credit is not partial: it posts and cures the notice',
  async (handling) => {
    const report = await simulateText(scenario('FL', handling, [...FL_NOTICE, FL_CREDIT, FL_PAY(90000)]));
    expect(actionsOf(report, 'A', 'payment_refused')).toEqual([]);
    expect(actionsOf(report, 'A', 'receipt')).toEqual([]);
    expect(only(actionsOf(report, 'A', 'notice'))).toMatchObject({
      status: 'cured',
      reason: 'demanded_amount_paid',
      amount_demanded_cents: 180000,
    });
    expect(report.final.A).toMatchObject({ level: 'current', balance_cents: 0 });
  },
);

test('Florida (reject): after a credit, a payment short of what the notice still demands is still refused', async () => {
  const report = await simulateText(scenario('FL', 'reject', [...FL_NOTICE, FL_CREDIT, FL_PAY(60000)]));
  expect(only(actionsOf(report, 'A', 'payment_refused'))).toMatchObject({
    status: 'blocked',
    reason: 'partial_payment_while_notice_open',
    amount_cents: 60000,
    rule: { citation: 'Fla. Stat. 83.56(5)(a)' },
  });
  expect(only(actionsOf(report, 'A', 'notice'))).toMatchObject({ status: 'sent' });
  expect(report.final.A).toMatchObject({ balance_cents: 90000 });
});

test("Florida (accept): the receipt's balance after is the ledger's, late fee included", async () => {
  // $50 flat fee posts Jun 4 (after 2 grace days); $900 of $1,800 rent paid Jun 8.
  const report = await simulateText(
    scenario('FL', 'accept_with_receipt', [...FL_NOTICE, FL_PAY(90000)], {
      late_fee: '{kind: flat, amount_cents: 5000}',
    }),
  );
  expect(only(actionsOf(report, 'A', 'notice'))).toMatchObject({
    status: 'cancelled',
    reason: 'partial_payment_accepted_new_notice_required',
    amount_demanded_cents: 180000,
  });
  expect(only(actionsOf(report, 'A', 'receipt'))).toMatchObject({
    status: 'sent',
    amount_cents: 90000,
    balance_after_cents: 95000,
  });
  expect(report.final.A).toMatchObject({ balance_cents: 95000 });
});

// Served Wed Jul 1 in California (3 court days: expires Tue Jul 7, Jul 3 observed).
const CA_NOTICE = [
  '{at: "2026-07-01T09:00:00-07:00", type: request, lease: A, id: N1, action: notice, notice: pay_or_quit, channel: letter, by: agent-1}',
  '{at: "2026-07-01T09:30:00-07:00", type: approval, request: N1, decision: approve, by: manager-1}',
];
const CA_PAY = '{at: "2026-07-02T12:00:00-07:00", type: payment, lease: A, id: PAY-1, amount_cents: 90000}';

test.each<Handling>(['reject', 'accept_with_receipt'])(
  'California (%s): the Florida rule does not apply; a partial payment simply posts and the notice keeps running',
  async (handling) => {
    const report = await simulateText(scenario('CA', handling, [...CA_NOTICE, CA_PAY], { end: '2026-07-03' }));
    expect(actionsOf(report, 'A', 'payment_refused')).toEqual([]);
    expect(actionsOf(report, 'A', 'receipt')).toEqual([]);
    expect(report.actions.some((a) => JSON.stringify(a).includes('83.56'))).toBe(false);
    const notice = only(actionsOf(report, 'A', 'notice'));
    expect(notice).toMatchObject({ status: 'sent', amount_demanded_cents: 180000 });
    expect(actionsOf(report, 'A', 'approval_request').find((a) => a.step === 'eviction-referral-ca-fl')).toMatchObject({
      status: 'awaiting_approval',
    });
    expect(report.final.A).toMatchObject({ balance_cents: 90000 });
  },
);

test('California: the notice is cured once everything it demands is paid (a partial payment, then a credit)', async () => {
  const report = await simulateText(
    scenario(
      'CA',
      'reject',
      [
        ...CA_NOTICE,
        CA_PAY,
        '{at: "2026-07-06T12:00:00-07:00", type: credit, lease: A, id: CR-1, amount_cents: 90000, reason: concession}',
      ],
      { end: '2026-07-08' },
    ),
  );
  expect(actionsOf(report, 'A', 'payment_refused')).toEqual([]);
  expect(only(actionsOf(report, 'A', 'notice'))).toMatchObject({ status: 'cured', reason: 'demanded_amount_paid' });
  expect(actionsOf(report, 'A', 'approval_request').find((a) => a.step === 'eviction-referral-ca-fl')).toMatchObject({
    status: 'cancelled',
    reason: 'notice_cured',
  });
});
