import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';

// The real CLI in a child process, against a schema of its own on PostgreSQL (as cli.test.ts).
const main = path.join(import.meta.dirname, '..', 'main.ts');
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await openTestDatabase('policy_cli');
  await seedOrg(db, 'acme');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-policy-'));
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function arrears(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [main, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: TEST_DATABASE_URL,
      ARREARS_DB_SCHEMA: db.schema,
      LOG_LEVEL: 'silent',
      ...env,
    },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const policy = (agentCallDay: number, id = 'small') => [
  '# yaml-language-server: $schema=./policy.schema.json',
  `id: ${id}`,
  'name: Small landlord',
  'levels:',
  '  - id: L1',
  '    days: { min: 1 }',
  '    steps:',
  '      - { id: late-email, day: 2, action: email, template: rent-late }',
  '  - id: L2',
  '    days: { min: 10 }',
  '    steps:',
  `      - { id: agent-call, day: ${agentCallDay}, at: "11:00", action: call }`,
];

test('validate: ok lines, every problem with its path, exit code 2; no database needed', () => {
  const good = write('good.yaml', policy(10));
  const bad = write('bad.json', [
    JSON.stringify({
      id: 'bad',
      name: 'Bad',
      levels: [
        { id: 'L1', days: { min: 1, max: 20 }, steps: [{ id: 's1', day: 2, action: 'notice' }] },
        { id: 'L2', days: { min: 10 }, steps: [{ id: 's1', day: 12, action: 'call' }] },
      ],
    }),
  ]);
  // An unusable database configuration proves validate never opens one.
  const r = arrears(['policy', 'validate', good, bad], { DATABASE_URL: 'mysql://nowhere' });
  expect(r.err).toBe('');
  expect(r.code).toBe(2);
  expect(r.out.split('\n')).toEqual([
    `${good}: ok (small, 2 levels, 2 steps)`,
    `${bad}: levels[0].steps[0].notice: a notice step must name its notice`,
    `${bad}: levels[1]: overlaps level L1 (levels[0]): a lease could be at both`,
    `${bad}: levels[1].steps[0].id: duplicate step id s1 (also levels[0].steps[0])`,
    '',
  ]);
  expect(arrears(['policy', 'validate', good]).code).toBe(0);
});

test('publish: versions, unchanged content, built-in ids refused; then list and diff', () => {
  const file = write('small.yaml', policy(10));
  const first = arrears(['policy', 'publish', file, '--by', 'dana']);
  expect(first).toMatchObject({ code: 0, out: 'published small@1\n' });
  expect(arrears(['policy', 'publish', file])).toMatchObject({
    code: 0,
    out: 'unchanged: small@1 already has this content\n',
  });
  write('small.yaml', policy(12));
  expect(arrears(['policy', 'publish', file, '--org', 'acme'])).toMatchObject({ code: 0, out: 'published small@2\n' });

  const builtin = arrears(['policy', 'publish', write('builtin.yaml', policy(10, 'default-residential'))]);
  expect(builtin.code).toBe(2);
  expect(builtin.err).toBe('default-residential is a built-in policy id; give your policy another id\n');

  const list = arrears(['policy', 'list']);
  expect(list.code).toBe(0);
  expect(list.out).toMatch(/default-residential@1\s+Default residential\s+built-in/);
  expect(list.out).toMatch(/default-residential@2\s+Default residential\s+built-in/);
  expect(list.out).toMatch(/small@1\s+Small landlord\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+dana/);
  expect(list.out).toMatch(/small@2\s+Small landlord\s+\S+\s+cli/);

  const diff = arrears(['policy', 'diff', 'small@1', 'small@2']);
  expect(diff).toMatchObject({
    code: 0,
    out: '--- small@1\n+++ small@2\n~ levels[L2].steps[agent-call].day: 10 -> 12\n',
  });
  expect(arrears(['policy', 'diff', 'small', file])).toMatchObject({ code: 0, out: 'no differences\n' });
  expect(JSON.parse(arrears(['policy', 'diff', file, 'small@1', '--json']).out)).toEqual([
    { op: '~', path: 'levels[L2].steps[agent-call].day', from: 12, to: 10 },
  ]);
  const missing = arrears(['policy', 'diff', 'small@3', file]);
  expect(missing.code).toBe(2);
  expect(missing.err).toBe('policy small@3 is not published in org acme\n');

  // Each new version is on the org's audit chain.
  expect(arrears(['audit', 'verify']).out).toMatch(/^acme: ok, 2 entries/);
});

test('diff against a built-in needs no database; schema is JSON Schema with levels', () => {
  const noDb = { DATABASE_URL: 'mysql://nowhere' };
  const diff = arrears(['policy', 'diff', 'default-commercial@1', 'default-commercial'], noDb);
  expect(diff).toMatchObject({ code: 0, out: 'no differences\n' });
  const notFile = arrears(['policy', 'diff', 'nope.yaml', 'default-commercial'], noDb);
  expect(notFile).toMatchObject({ code: 2, err: 'nope.yaml: no such file, and not a policy id@version\n' });
  const schema = arrears(['policy', 'schema'], noDb);
  expect(schema.code).toBe(0);
  expect(JSON.parse(schema.out)).toMatchObject({ $id: 'urn:arrears:schema:policy', properties: { levels: {} } });
});
