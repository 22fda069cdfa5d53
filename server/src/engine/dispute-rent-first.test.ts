import { rentFirstOpenCharges, type LedgerCharge, type LedgerDispute, type LedgerMoney } from './rent-first.ts';

// A dispute names an amount, not charges: it covers the charges open at the end of the day it was
// entered, oldest due first and, on one due date, rent last; money pays what is not disputed.

let seq = 0;
const charge = (
  external_id: string,
  due_on: string,
  amount_cents: number,
  charge_type: LedgerCharge['charge_type'] = 'rent',
): LedgerCharge => ({ seq: seq++, external_id, charge_type, due_on, effective_on: due_on, amount_cents });
const money = (
  external_id: string,
  effective_on: string,
  amount_cents: number,
  more: Partial<LedgerMoney> = {},
): LedgerMoney => ({ seq: seq++, external_id, kind: 'payment', effective_on, amount_cents, ...more });
const dispute = (entered_on: string, amount_cents: number): LedgerDispute => ({ entered_on, amount_cents });
const open = (charges: LedgerCharge[], paid: LedgerMoney[], disputes: LedgerDispute[]) =>
  rentFirstOpenCharges(charges, paid, disputes).map((c) => [c.external_id, c.open_cents, c.disputed_cents ?? 0]);

beforeEach(() => {
  seq = 0;
});

test('a dispute covers the charges open when it was entered, never rent posted later', () => {
  const charges = [
    charge('R04', '2026-04-01', 200_000),
    charge('FEE04', '2026-04-07', 7_500, 'late_fee'),
    charge('R05', '2026-05-01', 200_000),
  ];
  expect(open(charges, [], [dispute('2026-04-08', 207_500)])).toEqual([
    ['R04', 200_000, 200_000],
    ['FEE04', 7_500, 7_500],
    ['R05', 200_000, 0],
  ]);
});

test('oldest due first; on one due date the other charges before rent', () => {
  const charges = [charge('RENT', '2026-07-01', 1_250_000), charge('CAM', '2026-07-01', 180_000, 'other')];
  expect(open(charges, [], [dispute('2026-07-08', 180_000)])).toEqual([
    ['RENT', 1_250_000, 0],
    ['CAM', 180_000, 180_000],
  ]);
  const older = [charge('R03', '2026-03-01', 200_000), charge('R04', '2026-04-01', 200_000)];
  expect(open(older, [], [dispute('2026-04-10', 200_000)])).toEqual([
    ['R03', 200_000, 200_000],
    ['R04', 200_000, 0],
  ]);
});

test('money pays what is not disputed first, whatever its age; what is left waits as credit', () => {
  const charges = [
    charge('R04', '2026-04-01', 200_000),
    charge('FEE04', '2026-04-07', 7_500, 'late_fee'),
    charge('R05', '2026-05-01', 200_000),
  ];
  const disputes = [dispute('2026-04-08', 207_500)];
  // The tenant pays May's rent: May is paid, April stays disputed (read oldest first, the money
  // would have gone to April and May's rent would look unpaid).
  expect(open(charges, [money('P05', '2026-05-03', 200_000)], disputes)).toEqual([
    ['R04', 200_000, 200_000],
    ['FEE04', 7_500, 7_500],
  ]);
  // Paying more than is undisputed pays no disputed charge while the dispute lasts.
  expect(open(charges, [money('P05', '2026-05-03', 250_000)], disputes)).toEqual([
    ['R04', 200_000, 200_000],
    ['FEE04', 7_500, 7_500],
  ]);
});

test('a dispute never covers more than is open, and a returned payment re-opens undisputed', () => {
  const charges = [charge('R04', '2026-04-01', 200_000), charge('R05', '2026-05-01', 200_000)];
  const paid = [money('P04', '2026-04-05', 150_000)];
  // 50,000 open when entered: the rest of the 300,000 covers nothing (not May's rent).
  expect(open(charges, paid, [dispute('2026-04-08', 300_000)])).toEqual([
    ['R04', 50_000, 50_000],
    ['R05', 200_000, 0],
  ]);
  paid.push(money('NSF', '2026-04-12', 150_000, { kind: 'reversal', reverses: 'P04' }));
  expect(open(charges, paid, [dispute('2026-04-08', 300_000)])).toEqual([
    ['R04', 200_000, 50_000],
    ['R05', 200_000, 0],
  ]);
});

test('an Arrears credit reversing its own fee pays that fee even when disputed', () => {
  const charges = [charge('R04', '2026-04-01', 200_000), charge('FEE04', '2026-04-07', 7_500, 'late_fee')];
  const credit = money('FEE04:reversed', '2026-04-09', 7_500, { kind: 'credit', source: 'arrears' });
  expect(open(charges, [credit], [dispute('2026-04-08', 207_500)])).toEqual([['R04', 200_000, 200_000]]);
});
