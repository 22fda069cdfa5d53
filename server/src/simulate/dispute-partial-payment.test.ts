import { actionsOf, only, simulateText } from './testing.ts';

// Fla. Stat. 83.56(5)(a) screens a payment made while Florida's 3-day notice runs against what
// the notice still demands, and what a dispute in force covers is never demanded: the screen
// reads the ledger as the engine does, disputes carved out. Rent $1,800 due Mon Jun 1, $600 of
// it disputed on Jun 3; the notice served Thu Jun 4 demands the undisputed $1,200.

type Handling = 'accept_with_receipt' | 'reject';

const scenario = (handling: Handling, payment: number) => [
  'version: 1',
  'start: 2026-06-01',
  'end: 2026-06-12',
  'policy: default-residential',
  `org: {partial_payment_after_notice: ${handling}}`,
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-FL, timezone: America/New_York, units: 16, cares_covered: false}]',
  'leases:',
  '  - {id: A, property: P1, kind: residential, rent_cents: 180000, due_day: 1, grace_days: 2,',
  '     tenants: [{id: TA, name: A, email: a@example.test}]}',
  'events:',
  '  - {at: 2026-06-01, type: charge, lease: A, id: R-06, kind: rent, amount_cents: 180000}',
  '  - {at: "2026-06-03T10:00:00-04:00", type: hold, lease: A, id: DS, kind: dispute, amount_cents: 60000, by: agent-1}',
  '  - {at: "2026-06-04T09:00:00-04:00", type: request, lease: A, id: N1, action: notice, notice: pay_or_quit, channel: letter, by: agent-1}',
  '  - {at: "2026-06-04T10:00:00-04:00", type: approval, request: N1, decision: approve, by: manager-1}',
  `  - {at: "2026-06-08T12:00:00-04:00", type: payment, lease: A, id: PAY-1, amount_cents: ${payment}}`,
];

test.each<Handling>(['reject', 'accept_with_receipt'])(
  'Florida (%s): paying the undisputed amount the notice demands is not partial: it posts and cures the notice',
  async (handling) => {
    const report = await simulateText(scenario(handling, 120000));
    expect(actionsOf(report, 'A', 'payment_refused')).toEqual([]);
    expect(actionsOf(report, 'A', 'receipt')).toEqual([]);
    expect(only(actionsOf(report, 'A', 'notice'))).toMatchObject({
      status: 'cured',
      reason: 'demanded_amount_paid',
      amount_demanded_cents: 120000,
    });
    // What is left is the disputed $600.
    expect(report.final.A).toMatchObject({ level: 'current', balance_cents: 60000, disputed_cents: 60000 });
  },
);

test('Florida (reject): a payment short of the undisputed amount is still refused', async () => {
  const report = await simulateText(scenario('reject', 90000));
  expect(only(actionsOf(report, 'A', 'payment_refused'))).toMatchObject({
    status: 'blocked',
    reason: 'partial_payment_while_notice_open',
    amount_cents: 90000,
  });
  expect(only(actionsOf(report, 'A', 'notice'))).toMatchObject({ status: 'sent', amount_demanded_cents: 120000 });
  expect(report.final.A).toMatchObject({ balance_cents: 180000 });
});

test('Florida (accept_with_receipt): a payment short of the undisputed amount gets a receipt and needs a new notice', async () => {
  const report = await simulateText(scenario('accept_with_receipt', 90000));
  expect(only(actionsOf(report, 'A', 'receipt'))).toMatchObject({ amount_cents: 90000, balance_after_cents: 90000 });
  expect(only(actionsOf(report, 'A', 'notice'))).toMatchObject({
    status: 'cancelled',
    reason: 'partial_payment_accepted_new_notice_required',
  });
});
