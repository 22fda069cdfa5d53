import { actionsOf, simulateText } from './testing.ts';

// Escalation acts on the undisputed amount only, and a disputed charge is not late while it is
// disputed: a late fee is drawn on the undisputed part of the rent it is for, as it stood on the
// fee's day. None when that rent is wholly disputed (not posted either once the dispute ends),
// and daily accrual stops while it is; a fee posted before the dispute was entered stays.
// April's rent of $2,000 is due Wed Apr 1; 5 grace days, so the first fee day is Tue Apr 7.

const scenario = (lateFee: string, end: string, events: string[]) => [
  'version: 1',
  'start: 2026-04-01',
  `end: ${end}`,
  'policy: default-residential',
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12, cares_covered: false}]',
  'leases:',
  '  - {id: DF, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  `     late_fee: ${lateFee}, tenants: [{id: TF, name: F F, email: f@example.test}]}`,
  'events:',
  '  - {at: 2026-04-01, type: charge, lease: DF, id: R4, kind: rent, amount_cents: 200000}',
  ...events.map((e) => `  - ${e}`),
];
const dispute = (at: string, cents: number) =>
  `{at: "${at}", type: hold, lease: DF, id: DS, kind: dispute, amount_cents: ${cents}, by: agent-1}`;
const release = (at: string) =>
  `{at: "${at}", type: hold_release, lease: DF, hold: DS, by: manager-1, reason: dispute_resolved}`;
const fees = (report: Awaited<ReturnType<typeof simulateText>>) =>
  actionsOf(report, 'DF', 'late_fee').map((f) => [f.id, f.status, f.amount_cents]);

test('no flat fee on rent wholly disputed on the fee day, nor once the dispute is resolved; new rent draws its own', async () => {
  const report = await simulateText(
    scenario('{kind: flat, amount_cents: 7500}', '2026-05-10', [
      dispute('2026-04-03T10:00:00-07:00', 200000),
      release('2026-04-20T10:00:00-07:00'),
      '{at: 2026-05-01, type: charge, lease: DF, id: R5, kind: rent, amount_cents: 200000}',
    ]),
  );
  expect(fees(report)).toEqual([['DF:late_fee:2026-05-01', 'posted', 7500]]);
  // Released, April is owed again at its own age, without a fee.
  expect(report.final.DF).toMatchObject({ balance_cents: 407500, disputed_cents: 0 });
});

test('a fee posted before the dispute was entered stays', async () => {
  const report = await simulateText(
    scenario('{kind: flat, amount_cents: 7500}', '2026-04-20', [dispute('2026-04-07T10:00:00-07:00', 200000)]),
  );
  expect(fees(report)).toEqual([['DF:late_fee:2026-04-01', 'posted', 7500]]);
});

test('a dispute entered on the fee day before the fee posts (07:00 < 08:00): no fee', async () => {
  const report = await simulateText(
    scenario('{kind: flat, amount_cents: 7500}', '2026-04-20', [dispute('2026-04-07T07:00:00-07:00', 200000)]),
  );
  expect(fees(report)).toEqual([['DF:late_fee:2026-04-01', 'suppressed', 7500]]);
  expect(actionsOf(report, 'DF', 'late_fee')[0]).toMatchObject({ reason: 'hold_dispute' });
  expect(report.final.DF).toMatchObject({ balance_cents: 200000, disputed_cents: 200000 });
});

test('a percent fee is drawn on the undisputed part of the rent', async () => {
  // $800 of the $2,000 disputed: 5 % of $1,200 = $60 (not $100).
  for (const terms of ['{kind: percent, bps: 500}', '{kind: percent_of_balance, bps: 500}']) {
    const report = await simulateText(scenario(terms, '2026-04-10', [dispute('2026-04-03T10:00:00-07:00', 80000)]));
    expect(fees(report)).toEqual([['DF:late_fee:2026-04-01', 'posted', 6000]]);
  }
});

test('a dispute entered on the fee day before the fee posts draws a percent fee on the rest (drafted at 00:00)', async () => {
  // The fee is drafted at the day's first evaluation on all $2,000; $800 disputed at 07:00, before
  // the 08:00 posting: 5 % of $1,200, as if the dispute had come the day before.
  for (const terms of ['{kind: percent, bps: 500}', '{kind: percent_of_balance, bps: 500}']) {
    const report = await simulateText(scenario(terms, '2026-04-10', [dispute('2026-04-07T07:00:00-07:00', 80000)]));
    expect(fees(report)).toEqual([['DF:late_fee:2026-04-01', 'posted', 6000]]);
    expect(report.final.DF).toMatchObject({ balance_cents: 206000, disputed_cents: 80000 });
  }
});

test('daily accrual stops while the rent is wholly disputed and resumes after it, without catching up', async () => {
  const report = await simulateText(
    scenario('{kind: daily, initial_cents: 5000, daily_cents: 1000, cap_cents: 50000}', '2026-04-18', [
      // Entered after Apr 10's 08:00 fee; released after Apr 15's.
      dispute('2026-04-10T10:00:00-07:00', 200000),
      release('2026-04-15T10:00:00-07:00'),
    ]),
  );
  expect(fees(report)).toEqual([
    ['DF:late_fee:2026-04-01', 'posted', 5000],
    ['DF:late_fee:2026-04-01:2026-04-08', 'posted', 1000],
    ['DF:late_fee:2026-04-01:2026-04-09', 'posted', 1000],
    ['DF:late_fee:2026-04-01:2026-04-10', 'posted', 1000],
    ['DF:late_fee:2026-04-01:2026-04-16', 'posted', 1000],
    ['DF:late_fee:2026-04-01:2026-04-17', 'posted', 1000],
    ['DF:late_fee:2026-04-01:2026-04-18', 'posted', 1000],
  ]);
});

test('rent partly disputed keeps accruing daily; a dispute of other charges changes nothing for the rent', async () => {
  const partly = await simulateText(
    scenario('{kind: daily, initial_cents: 5000, daily_cents: 1000}', '2026-04-10', [
      dispute('2026-04-03T10:00:00-07:00', 150000),
    ]),
  );
  expect(fees(partly).map(([id]) => id)).toEqual([
    'DF:late_fee:2026-04-01',
    'DF:late_fee:2026-04-01:2026-04-08',
    'DF:late_fee:2026-04-01:2026-04-09',
    'DF:late_fee:2026-04-01:2026-04-10',
  ]);
  // The CAM charge due with the rent is covered first (rent last on one due date): rent is late in full.
  const cam = await simulateText(
    scenario('{kind: percent_of_balance, bps: 500}', '2026-04-10', [
      '{at: 2026-04-01, type: charge, lease: DF, id: CAM4, kind: other, amount_cents: 30000}',
      dispute('2026-04-03T10:00:00-07:00', 30000),
    ]),
  );
  expect(fees(cam)).toEqual([['DF:late_fee:2026-04-01', 'posted', 10000]]);
});

test('an NSF fee is owed whatever the dispute covers', async () => {
  const report = await simulateText(
    scenario('{kind: flat, amount_cents: 7500}', '2026-04-12', [
      dispute('2026-04-03T10:00:00-07:00', 50000),
      '{at: "2026-04-04T10:00:00-07:00", type: payment, lease: DF, id: P1, amount_cents: 150000}',
      '{at: "2026-04-09T10:00:00-07:00", type: reversal, lease: DF, id: NSF1, of: P1, reason: nsf}',
    ]),
  );
  expect(actionsOf(report, 'DF', 'nsf_fee').map((f) => [f.status, f.amount_cents])).toEqual([['posted', 2500]]);
});
