import { rentFirstOpenCharges, type LedgerCharge, type LedgerMoney } from './rent-first.ts';

let seq = 0;
const charge = (
  external_id: string,
  due_on: string,
  amount_cents: number,
  charge_type: LedgerCharge['charge_type'] = 'rent',
  effective_on = due_on,
): LedgerCharge => ({ seq: seq++, external_id, charge_type, due_on, effective_on, amount_cents });
const money = (
  external_id: string,
  effective_on: string,
  amount_cents: number,
  more: Partial<LedgerMoney> = {},
): LedgerMoney => ({ seq: seq++, external_id, kind: 'payment', effective_on, amount_cents, ...more });
const open = (charges: LedgerCharge[], paid: LedgerMoney[]) =>
  rentFirstOpenCharges(charges, paid).map((c) => [c.external_id, c.open_cents]);

beforeEach(() => {
  seq = 0;
});

describe('escalation reads the ledger rent-first', () => {
  test("the month's rent paid on its due day leaves last month's fee open, not part of the rent", () => {
    const charges = [charge('R03', '2026-03-01', 200_000), charge('FEE03', '2026-03-07', 7_500, 'late_fee')];
    const paid = [money('P03', '2026-03-10', 200_000)];
    expect(open(charges, paid)).toEqual([['FEE03', 7_500]]);
    charges.push(charge('R04', '2026-04-01', 200_000));
    paid.push(money('P04', '2026-04-01', 200_000));
    expect(open(charges, paid)).toEqual([['FEE03', 7_500]]);
  });

  test('rent paid before it posts, while a fee is open, pays that rent when it posts', () => {
    const charges = [charge('R03', '2026-03-01', 200_000), charge('FEE03', '2026-03-07', 7_500, 'late_fee')];
    const paid = [money('P03', '2026-03-10', 200_000), money('P04', '2026-03-30', 200_000)];
    // Until April's rent posts, the early payment covers the fee (and the rest waits).
    expect(open(charges, paid)).toEqual([]);
    charges.push(charge('R04', '2026-04-01', 200_000));
    expect(open(charges, paid)).toEqual([['FEE03', 7_500]]);
  });

  test('a fee paid on its own while no rent was open stays paid when later rent falls short', () => {
    const charges = [
      charge('R03', '2026-03-01', 200_000),
      charge('FEE03', '2026-03-07', 7_500, 'late_fee'),
      charge('R04', '2026-04-01', 200_000),
    ];
    const paid = [
      money('P03', '2026-03-10', 200_000),
      money('PFEE', '2026-03-20', 7_500),
      money('P04', '2026-04-01', 190_000),
    ];
    expect(open(charges, paid)).toEqual([['R04', 10_000]]);
  });

  test('rent charges among themselves stay oldest first; money short of all rent leaves fees whole', () => {
    const charges = [
      charge('R03', '2026-03-01', 200_000),
      charge('FEE03', '2026-03-07', 7_500, 'late_fee'),
      charge('R04', '2026-04-01', 200_000),
      charge('NSF', '2026-04-03', 2_500, 'nsf_fee'),
    ];
    expect(open(charges, [money('P', '2026-04-05', 250_000)])).toEqual([
      ['FEE03', 7_500],
      ['R04', 150_000],
      ['NSF', 2_500],
    ]);
  });

  test('a returned payment re-opens exactly what it paid, at its age; other payments keep theirs', () => {
    const charges = [charge('R01', '2026-01-01', 200_000), charge('R02', '2026-02-01', 200_000)];
    const paid = [
      money('P1', '2026-01-03', 200_000),
      money('P2', '2026-02-03', 250_000),
      money('NSF-P1', '2026-02-10', 200_000, { kind: 'reversal', reverses: 'P1' }),
    ];
    // February stays paid by P2; P2's 50,000 left over pays part of the re-opened January.
    expect(open(charges, paid)).toEqual([['R01', 150_000]]);
  });

  test('a reversal of a payment the ledger does not hold changes nothing', () => {
    const charges = [charge('R01', '2026-01-01', 200_000)];
    const paid = [money('NSF-X', '2026-01-10', 200_000, { kind: 'reversal', reverses: 'UNKNOWN' })];
    expect(open(charges, paid)).toEqual([['R01', 200_000]]);
  });

  test("Arrears' credit reversing one of its fees pays that fee, not the rent", () => {
    const charges = [
      charge('R03', '2026-03-01', 200_000),
      charge('L:late_fee:2026-03-01', '2026-03-07', 7_500, 'late_fee'),
    ];
    const reversal = money('L:late_fee:2026-03-01:reversed', '2026-03-12', 7_500, {
      kind: 'credit',
      source: 'arrears',
    });
    expect(open(charges, [reversal])).toEqual([['R03', 200_000]]);
    // The same credit from the accounting system is money like any other: rent first.
    const imported = money('L:late_fee:2026-03-01:reversed', '2026-03-12', 7_500, { kind: 'credit' });
    expect(open(charges, [imported])).toEqual([
      ['R03', 192_500],
      ['L:late_fee:2026-03-01', 7_500],
    ]);
  });

  test('on one day the charges come before the money, whatever the posting order', () => {
    const paid = [money('P04', '2026-04-01', 200_000)];
    const charges = [charge('FEE03', '2026-03-07', 7_500, 'late_fee'), charge('R04', '2026-04-01', 200_000)];
    expect(open(charges, paid)).toEqual([['FEE03', 7_500]]);
  });

  test('the total left open is what the ledger leaves open, whichever charge carries it', () => {
    const charges = [
      charge('R01', '2026-01-01', 200_000),
      charge('F01', '2026-01-07', 7_500, 'late_fee'),
      charge('R02', '2026-02-01', 200_000),
      charge('F02', '2026-02-07', 7_500, 'late_fee'),
      charge('U02', '2026-02-10', 4_000, 'utilities'),
    ];
    const paid = [
      money('P1', '2026-01-20', 120_000),
      money('W1', '2026-02-02', 30_000, { kind: 'write_off' }),
      money('C1', '2026-02-15', 10_000, { kind: 'credit' }),
      money('P2', '2026-02-20', 150_000),
    ];
    const left = rentFirstOpenCharges(charges, paid).reduce((sum, c) => sum + c.open_cents, 0);
    expect(left).toBe(200_000 * 2 + 7_500 * 2 + 4_000 - (120_000 + 30_000 + 10_000 + 150_000));
    // Rent and utilities oldest first; the late fees wait behind every one of them.
    expect(open(charges, paid)).toEqual([
      ['F01', 7_500],
      ['R02', 90_000],
      ['F02', 7_500],
      ['U02', 4_000],
    ]);
    // 94,000 more pays the rest of the rent and the utilities before either fee.
    expect(open(charges, [...paid, money('P3', '2026-02-21', 94_000)])).toEqual([
      ['F01', 7_500],
      ['F02', 7_500],
    ]);
  });
});
