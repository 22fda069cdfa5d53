import { formatTimeline, type SimulationReport } from './report.ts';

test('the readable timeline orders by instant across the fall-back hour and says "1 day"', () => {
  const report: SimulationReport = {
    actions: [
      { id: 'a', at: '2026-11-01T01:50:00-07:00', lease: 'L1', type: 'sms', status: 'blocked', reason: 'quiet_hours' },
      { id: 'b', at: '2026-11-01T01:10:00-08:00', lease: 'L1', type: 'call', status: 'blocked', reason: 'quiet_hours' },
    ],
    levels: [{ at: '2026-11-01T01:20:00-08:00', lease: 'L1', level: 'L1', days_past_due: 1, balance_cents: 100 }],
    final: { L1: { level: 'L1', balance_cents: 100, disputed_cents: 0, holds: [], next_action: null } },
    audit: { entries: 3, verified: true },
  };
  expect(formatTimeline(report).split('\n').slice(0, 4)).toEqual([
    'Lease L1',
    '  2026-11-01 01:50  sms  blocked  reason quiet_hours',
    '  2026-11-01 01:10  call  blocked  reason quiet_hours',
    '  2026-11-01 01:20  level L1 (1 day past due, $1.00)',
  ]);
});

const oneLease = (actions: SimulationReport['actions'], balance_cents = 0): SimulationReport => ({
  actions,
  levels: [],
  final: { L1: { level: 'current', balance_cents, disputed_cents: 0, holds: [], next_action: null } },
  audit: { entries: 1, verified: true },
});

test('negative money reads -$500.00, not $-500.00, in actions and the final balance', () => {
  const text = formatTimeline(
    oneLease(
      [{ id: 'a', at: '2026-03-05T08:00:00-08:00', lease: 'L1', type: 'cure', status: 'posted', amount_cents: -1 }],
      -50000,
    ),
  );
  expect(text).toContain('  2026-03-05 08:00  cure  posted  -$0.01\n');
  expect(text).toContain('  final: current, balance -$500.00\n');
  expect(text).not.toContain('$-');
});

test('a notice that only informs states the debt; it has no "expires" on the day it is served', () => {
  const notice = (notice: string, served_on: string, expires_on: string) => ({
    id: notice,
    at: `${served_on}T09:00:00-04:00`,
    lease: 'L1',
    type: 'notice',
    status: 'sent',
    notice,
    amount_demanded_cents: 155000,
    served_on,
    expires_on,
  });
  const lines = formatTimeline(
    oneLease([
      notice('rent_not_received', '2026-03-07', '2026-03-07'),
      notice('validation', '2026-03-08', '2026-04-10'),
      notice('rent_demand_14_day', '2026-03-09', '2026-03-23'),
    ]),
  ).split('\n');
  expect(lines.slice(1, 4)).toEqual([
    '  2026-03-07 09:00  notice  sent  rent_not_received  states $1550.00',
    '  2026-03-08 09:00  notice  sent  validation  states $1550.00  validation period ends 2026-04-10',
    '  2026-03-09 09:00  notice  sent  rent_demand_14_day  demands $1550.00  expires 2026-03-23',
  ]);
});
