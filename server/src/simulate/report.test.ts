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
