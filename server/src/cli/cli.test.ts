import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';

// The real CLI in a child process, against a schema of its own on PostgreSQL.
const main = path.join(import.meta.dirname, '..', 'main.ts');
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await openTestDatabase('cli');
  await seedOrg(
    db,
    'acme',
    [{ id: 'P1' }, { id: 'P2', timezone: 'America/New_York' }],
    [{ id: 'L1' }, { id: 'L2', property: 'P2' }],
  );
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-cli-'));
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function arrears(...args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], {
    env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, ARREARS_DB_SCHEMA: db.schema, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

test('--help on every command', () => {
  for (const cmd of [
    [],
    ['serve'],
    ['worker'],
    ['migrate'],
    ['import'],
    ['scan'],
    ['audit', 'verify'],
    ['org', 'create'],
    ['org', 'settings'],
    ['provider', 'set'],
  ]) {
    const r = arrears(...cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: arrears/);
  }
});

test('import, scan and audit verify end to end', () => {
  const file = path.join(dir, 'ledger.csv');
  fs.writeFileSync(
    file,
    [
      'kind,lease_id,external_id,charge_type,amount_cents,effective_on',
      'charge,L1,R1,rent,200000,2026-01-01',
      'charge,L2,R2,rent,150000,2026-03-01',
      'payment,L2,P2,,50000,2026-03-02',
      'charge,L1,BAD,rent,-1,2026-03-01',
    ].join('\n'),
  );
  const imported = arrears('import', file, '--source', 'csv');
  expect(imported.code).toBe(0);
  expect(imported.out).toContain('row 5: amount_cents: expected a positive integer number of cents [BAD]');
  expect(imported.out).toContain('Imported: 4 rows, 3 new, 0 already present, 1 rejected');
  expect(imported.err).toContain('import '); // plain progress lines on a pipe

  const strict = arrears('import', file, '--source', 'csv2', '--strict');
  expect(strict.code).toBe(1);
  expect(strict.out).toContain('Nothing imported (--strict)');

  const scan = arrears('scan', '--as-of', '2026-03-10', '--leases');
  expect(scan.code).toBe(0);
  expect(scan.out).toContain('Aging for org acme as of 2026-03-10');
  expect(scan.out).toMatch(/P1\s+1\s+1\s+2,000\.00\s+0\.00\s+0\.00\s+2,000\.00\s+0\.00/);
  expect(scan.out).toMatch(/TOTAL\s+2\s+2\s+3,000\.00/);
  expect(scan.out).toMatch(/L1\s+68\s+2026-01-01\s+2,000\.00/);

  const json = JSON.parse(arrears('scan', '--as-of', '2026-03-10', '--json').out);
  expect(
    json.properties.map((p: { property_id: string; balance_cents: number }) => [p.property_id, p.balance_cents]),
  ).toEqual([
    ['P1', 200_000],
    ['P2', 100_000],
  ]);

  const verify = arrears('audit', 'verify');
  expect(verify.code).toBe(0);
  expect(verify.out).toMatch(/^acme: ok, 1 entries/);
});

test('bad input gets a message and exit code 2, not a stack trace', () => {
  const badDate = arrears('scan', '--as-of', '2026-3-1');
  expect(badDate.code).toBe(2);
  expect(badDate.err).toBe('--as-of: expected a date as YYYY-MM-DD, got "2026-3-1"\n');
  const badOrg = arrears('scan', '--org', 'nope');
  expect(badOrg.code).toBe(2);
  expect(badOrg.err).toContain('No org "nope". Known orgs: acme');
  const badConfig = spawnSync(process.execPath, [main, 'migrate'], {
    env: { ...process.env, DATABASE_URL: 'mysql://x', PORT: 'x' },
    encoding: 'utf8',
  });
  expect(badConfig.status).toBe(2);
  expect(badConfig.stderr).toContain(
    'Invalid configuration:\n  - DATABASE_URL: expected a postgres:// or postgresql:// URL',
  );
  expect(badConfig.stderr).not.toMatch(/at .*\.ts:\d+/);
  const unknown = arrears('frobnicate');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain("unknown command 'frobnicate'");
});

test('provider credentials: stored sealed, listed by name, never printed, removable', async () => {
  const key = Buffer.alloc(32, 9).toString('base64');
  const file = path.join(dir, 'accounting.json');
  fs.writeFileSync(file, JSON.stringify({ webhook_secret: 'whsec_do_not_print' }));
  const env = { ARREARS_SECRET_KEY: key };
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [main, ...args], {
      env: {
        ...process.env,
        ...env,
        DATABASE_URL: TEST_DATABASE_URL,
        ARREARS_DB_SCHEMA: db.schema,
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
  const stored = run('provider', 'set', 'accounting', file, '--org', 'acme');
  expect(stored).toMatchObject({ code: 0, out: 'Stored accounting credentials for acme (webhook_secret)\n' });
  const listed = run('provider', 'list', '--org', 'acme');
  expect(listed.out).toMatch(/^accounting\tupdated /);
  expect(`${stored.out}${stored.err}${listed.out}${listed.err}`).not.toContain('whsec_do_not_print');
  const row = await db.knex('provider_credentials').where({ org_id: 'acme', provider: 'accounting' }).first();
  expect(row.ciphertext).not.toContain('whsec_do_not_print');
  expect(arrears('provider', 'set', 'accounting', file, '--org', 'acme')).toMatchObject({
    code: 2,
    err: expect.stringContaining('ARREARS_SECRET_KEY'),
  });
  // Validated when typed: every problem by field, the secret never echoed, nothing stored.
  const twilioFile = path.join(dir, 'twilio.json');
  fs.writeFileSync(twilioFile, JSON.stringify({ account_sid: 'nope', auth_token: 'tok_do_not_print_123456' }));
  const refused = run('provider', 'set', 'twilio', twilioFile, '--org', 'acme');
  expect(refused.code).toBe(2);
  expect(refused.err).toContain('account_sid');
  expect(`${refused.out}${refused.err}`).not.toContain('tok_do_not_print');
  expect(await db.knex('provider_credentials').where({ org_id: 'acme', provider: 'twilio' })).toHaveLength(0);
  expect(run('provider', 'set', 'twillio', twilioFile, '--org', 'acme')).toMatchObject({
    code: 2,
    err: expect.stringContaining('expected one of twilio, sendgrid, accounting'),
  });
  expect(run('provider', 'remove', 'accounting', '--org', 'acme').code).toBe(0);
  expect(run('provider', 'remove', 'accounting', '--org', 'acme')).toMatchObject({ code: 1 });
});

test('org settings: shown with defaults, changed with --set/--unset, bad input refused by path', () => {
  const shown = arrears('org', 'settings', '--org', 'acme');
  expect(shown.code).toBe(0);
  expect(shown.out).toMatch(/scan_overdue_days\s+\[5,10,30\]/);
  const set = arrears(
    'org',
    'settings',
    '--org',
    'acme',
    '--set',
    'scan_overdue_days=[7,3]',
    '--set',
    'policies.commercial=default-commercial',
    '--json',
  );
  expect(set.code).toBe(0);
  const view = JSON.parse(set.out);
  expect(view.settings.scan_overdue_days).toEqual([3, 7]);
  expect(view.settings.policies).toEqual({ commercial: 'default-commercial' });
  expect(Object.keys(view.changed).sort()).toEqual(['policies', 'scan_overdue_days']);
  const unset = arrears('org', 'settings', '--org', 'acme', '--unset', 'scan_overdue_days');
  expect(unset.out).toMatch(/1 changed/);
  expect(unset.out).toMatch(/scan_overdue_days\s+\[5,10,30\]\s+\(was \[3,7\]\)/);
  const bad = arrears('org', 'settings', '--org', 'acme', '--set', 'scan_overdue_dayz=3', '--set', 'fee_review=maybe');
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/Settings not changed:/);
  expect(bad.err).toMatch(/settings\.scan_overdue_dayz: unknown setting/);
  expect(bad.err).toMatch(/settings\.fee_review: /);
  expect(bad.err).not.toMatch(/at .*\.ts:\d+/);
});

test('malformed import files: a message with the position, exit 2, no stack trace; good rows before it kept', () => {
  const event = (id: string) =>
    JSON.stringify({ kind: 'credit', lease_id: 'L1', external_id: id, amount_cents: 100, effective_on: '2026-03-06' });
  const mid = path.join(dir, 'mid.json');
  fs.writeFileSync(mid, `[${event('MID-1')},\n{bad},\n${event('MID-3')}]`);
  const midRun = arrears('import', mid, '--source', 'mid', '--org', 'acme');
  expect(midRun.code).toBe(2);
  expect(midRun.out).toContain('row 2: not valid JSON at element 2 of the array (expected an object key)');
  expect(midRun.out).toContain('Imported: 2 rows, 1 new, 0 already present, 1 rejected');
  expect(midRun.err).toContain(
    `${mid}: row 2: not valid JSON at element 2 of the array (expected an object key); nothing after it was read (the rows before it were imported as reported above)\n`,
  );
  const cut = path.join(dir, 'cut.json');
  fs.writeFileSync(cut, `[${event('CUT-1')},\n{"kind":"pay`);
  const cutRun = arrears('import', cut, '--source', 'cut', '--strict');
  expect(cutRun.code).toBe(2);
  expect(cutRun.out).toContain('Nothing imported (--strict)');
  for (const [name, content, message] of [
    ['str.json', '"just a string"', 'str.json: expected a JSON array of events or {"events": [...]}\n'],
    ['obj.json', '{"foo":[1]}', 'obj.json: no "events" member; expected a JSON array of events or {"events": [...]}\n'],
  ] as const) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    const run = arrears('import', file);
    expect(run.code).toBe(2);
    expect(run.err).toBe(`${file.slice(0, -name.length)}${message}`);
  }
  for (const run of [midRun, cutRun]) expect(run.err).not.toMatch(/at .*\.(ts|js):\d+|Unhandled/);
  expect(arrears('import', path.join(dir, 'missing.csv'))).toMatchObject({
    code: 2,
    err: expect.stringContaining('no such file'),
  });
});

test('scan and audit verify: impossible dates, bad --min-days and unknown orgs are refused (exit 2)', () => {
  expect(arrears('scan', '--as-of', '2026-02-30')).toMatchObject({
    code: 2,
    err: '--as-of: not a real calendar date, got "2026-02-30"\n',
  });
  for (const value of ['abc', '-3', '1.5', ''])
    expect(arrears('scan', '--leases', '--min-days', value)).toMatchObject({
      code: 2,
      err: `--min-days: expected a whole number (0 or more), got "${value}"\n`,
    });
  expect(arrears('scan', '--leases', '--min-days', '0', '--as-of', '2026-03-10').code).toBe(0);
  expect(arrears('audit', 'verify', '--org', 'nope')).toMatchObject({
    code: 2,
    out: '',
    err: 'No org "nope". Known orgs: acme\n',
  });
  expect(arrears('audit', 'verify', '--org', 'acme')).toMatchObject({
    code: 0,
    out: expect.stringMatching(/^acme: ok/),
  });
});

test('org settings: every problem in one answer; a key both set and unset is refused', () => {
  const bad = arrears(
    'org',
    'settings',
    '--set',
    'policies.mixed=x',
    '--set',
    'policies.residential=nope',
    '--set',
    'fee_review=maybe',
  );
  expect(bad.code).toBe(2);
  expect(bad.err).toContain('settings.policies.mixed: unknown setting');
  expect(bad.err).toContain('settings.policies.residential: no policy "nope"');
  expect(bad.err).toContain('settings.fee_review: ');
  const both = arrears('org', 'settings', '--set', 'reg_f_for_all=true', '--unset', 'reg_f_for_all');
  expect(both).toMatchObject({
    code: 2,
    err: '--set and --unset of the same setting: "reg_f_for_all"; give one or the other\n',
  });
  expect(arrears('org', 'settings', '--set', 'policies.residential=x', '--unset', 'policies')).toMatchObject({
    code: 2,
    err: expect.stringContaining('"policies.residential" and "policies"'),
  });
  expect(JSON.parse(arrears('org', 'settings', '--json').out).settings.reg_f_for_all).toBe(false);
});
