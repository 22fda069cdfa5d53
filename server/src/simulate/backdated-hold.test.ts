import { actionsOf, day, only, simulateFile } from './testing.ts';

// scenarios/11: a backdated hold reverses the late fees Arrears posted for days it covers.

test('11. a bankruptcy recorded Mar 12 from Mar 4 reverses the Mar 7 fee; a backdated manual hold reverses only its days', async () => {
  const report = await simulateFile('11-backdated-hold-fee-reversal.yaml');

  const fee = only(actionsOf(report, 'L11', 'late_fee'));
  expect(fee).toMatchObject({ id: 'L11:late_fee:2026-03-01', status: 'posted', amount_cents: 7500 });
  expect(day(fee)).toBe('2026-03-07');
  expect(only(actionsOf(report, 'L11', 'fee_reversal'))).toEqual({
    id: 'L11:late_fee:2026-03-01:reversed',
    at: '2026-03-12T10:00:00-07:00',
    lease: 'L11',
    type: 'fee_reversal',
    status: 'posted',
    amount_cents: 7500,
    reverses: 'L11:late_fee:2026-03-01',
    hold: 'BK-11',
    kind: 'bankruptcy',
  });
  expect(report.final.L11).toMatchObject({ balance_cents: 200000, holds: [{ id: 'BK-11', kind: 'bankruptcy' }] });

  // Daily accrual: Mar 8-10 reversed, the initial fee and Mar 11-12 stay; accrual resumes Mar 13
  // and stops at the $150 cap on what is still charged.
  const reversed = actionsOf(report, 'L11D', 'fee_reversal');
  expect(reversed.map((a) => [a.reverses, a.amount_cents, a.hold])).toEqual([
    ['L11D:late_fee:2026-03-01:2026-03-08', 1000, 'HOLD-11D'],
    ['L11D:late_fee:2026-03-01:2026-03-09', 1000, 'HOLD-11D'],
    ['L11D:late_fee:2026-03-01:2026-03-10', 1000, 'HOLD-11D'],
  ]);
  expect(reversed.every((a) => a.status === 'posted' && day(a) === '2026-03-12')).toBe(true);
  const fees = actionsOf(report, 'L11D', 'late_fee');
  expect(fees.every((a) => a.status === 'posted')).toBe(true);
  expect(fees.map(day)).toContain('2026-03-13');
  expect(fees.reduce((sum, a) => sum + Number(a.amount_cents), 0) - 3000).toBe(15000);
  expect(report.final.L11D).toMatchObject({ balance_cents: 165000 });
  expect(report.audit.verified).toBe(true);
});
