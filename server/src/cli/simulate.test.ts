import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// `arrears simulate` as a customer runs it: the real CLI in a child process.
const main = path.join(import.meta.dirname, '..', 'main.ts');
const scenarios = path.join(import.meta.dirname, '..', '..', '..', 'scenarios');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-simulate-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function arrears(...args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

test('--json is deterministic byte for byte, ids included', () => {
  const file = path.join(scenarios, '06-cure-race-and-nsf.yaml');
  // --quiet: a run slowed down by a busy machine would otherwise print progress lines on stderr.
  const first = arrears('simulate', file, '--json', '--quiet');
  const second = arrears('simulate', file, '--json', '--quiet');
  expect(first.err).toBe('');
  expect(first.code).toBe(0);
  expect(second.out).toBe(first.out);
  const report = JSON.parse(first.out);
  expect(Object.keys(report)).toEqual(['actions', 'levels', 'final', 'audit']);
  expect(report.audit).toMatchObject({ verified: true });
});

test('without --json: a readable timeline grouped by lease', () => {
  const r = arrears('simulate', path.join(scenarios, '01-california-pay-or-quit.yaml'));
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^Lease L1\n/);
  expect(r.out).toContain('2026-03-07 08:00  late_fee  posted  $75.00');
  expect(r.out).toMatch(/notice +cured +pay_or_quit +demands \$2000\.00 +expires 2026-04-02/);
  expect(r.out).toMatch(/audit: \d+ entries, chain verified\n$/);
});

test('a malformed file gets every problem with its path, no stack trace, exit code 2', () => {
  const file = path.join(dir, 'bad.yaml');
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'start: 2026-03-01',
      'end: 2026-02-01',
      'policy: no-such-policy',
      'users: [{id: a1, role: boss}]',
      'properties: [{id: P1, jurisdiction: CA, timezone: Mars/Olympus, units: 3}]',
      'leases: [{id: L1, property: P9, kind: residential, rent_cents: 100, due_day: 1, tenants: [{id: T1, name: X}]}]',
      'events:',
      '  - {at: 2026-03-02, type: payment, lease: L1, id: P-1, amount_cents: -5}',
      '  - {at: 2026-03-02, type: teleport, lease: L1}',
      '  - {at: "yesterday", type: charge, lease: L1, id: C-1, kind: rent, amount_cents: 100}',
    ].join('\n'),
  );
  const r = arrears('simulate', file, '--json');
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).not.toMatch(/\n\s+at /);
  for (const path of [
    'users[0].role',
    'properties[0].jurisdiction',
    'properties[0].timezone',
    'events[0].amount_cents',
    'events[1].type',
    'events[2].at',
  ])
    expect(r.err).toContain(`${path}:`);
});

test('cross-references are checked too: unknown property, lease, user and hold', () => {
  const file = path.join(dir, 'refs.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      start: '2026-03-01',
      end: '2026-03-31',
      policy: 'default-residential',
      users: [{ id: 'agent-1', role: 'agent' }],
      properties: [{ id: 'P1', jurisdiction: 'US-CA', timezone: 'America/Los_Angeles', units: 3 }],
      leases: [
        {
          id: 'L1',
          property: 'P2',
          kind: 'residential',
          rent_cents: 100,
          due_day: 1,
          tenants: [{ id: 'T1', name: 'X' }],
        },
      ],
      events: [
        { at: '2026-03-02', type: 'flag', lease: 'L7', by: 'agent-1', reason: 'x' },
        { at: '2026-03-02', type: 'flag', lease: 'L1', by: 'nobody', reason: 'x' },
        { at: '2026-03-03', type: 'hold_release', hold: 'H9', by: 'agent-1', reason: 'x' },
        { at: '2026-05-03', type: 'status', lease: 'L1', status: 'at_risk' },
      ],
    }),
  );
  const r = arrears('simulate', file);
  expect(r.code).toBe(2);
  expect(r.err).toContain('leases[0].property: unknown property P2');
  expect(r.err).toContain('events[0].lease: unknown lease L7');
  expect(r.err).toContain('events[1].by: unknown user nobody');
  expect(r.err).toContain('events[2].hold: unknown hold H9');
  expect(r.err).toContain('events[3].at: outside the simulated days');
});
