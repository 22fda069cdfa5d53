import { contactGuard } from '../escalation/guards.ts';
import { parseScenario } from './load.ts';
import { createSimulationProgress } from './progress.ts';
import { runScenario, type SimulationProgress } from './run.ts';

const stream = () => {
  const lines: string[] = [];
  const s = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
  return { s, lines };
};

test('plain lines every interval after the quiet period, and a closing line only when any was shown', () => {
  let t = 0;
  const { s, lines } = stream();
  const reporter = createSimulationProgress(s, { quietMs: 3000, intervalMs: 5000, now: () => t });
  const at = (ms: number, done: number) => {
    t = ms;
    reporter.update({ done, total: 200, day: `2026-03-${String(1 + (done % 28)).padStart(2, '0')}` });
  };
  at(1000, 10);
  at(2999, 20);
  expect(lines).toEqual([]);
  at(5000, 50);
  at(7000, 60);
  at(10_000, 100);
  reporter.stop();
  expect(lines).toEqual([
    'simulating: 25% (50 of 200 timeline items), at 2026-03-23\n',
    'simulating: 50% (100 of 200 timeline items), at 2026-03-17\n',
    'simulating: done (200 timeline items)\n',
  ]);

  const quick = stream();
  const short = createSimulationProgress(quick.s, { now: () => 0 });
  short.update({ done: 1, total: 1, day: '2026-03-01' });
  short.stop();
  expect(quick.lines).toEqual([]);
});

test('runScenario reports every timeline item in order, ending at the last', async () => {
  const seen: SimulationProgress[] = [];
  const run = await runScenario(
    parseScenario(
      [
        'version: 1',
        'start: 2026-03-01',
        'end: 2026-03-05',
        'policy: default-residential',
        'properties: [{id: P, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 4}]',
        'leases:',
        '  - {id: L, property: P, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 3, collector: first_party,',
        '     tenants: [{id: T, name: Pat, email: p@example.test}]}',
        'events:',
        '  - {at: 2026-03-01, type: charge, lease: L, id: R-03, kind: rent, amount_cents: 100000}',
      ].join('\n'),
    ),
    contactGuard,
    (p) => seen.push(p),
  );
  await run.close();
  // Five lease-days and one input.
  expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(seen.every((p) => p.total === 6)).toBe(true);
  expect(seen.at(-1)!.day).toBe('2026-03-05');
});
