import { PolicyDocument } from '@arrears/shared';
import { AppError } from '../errors.ts';
import { publishPolicy } from '../escalation/policies.ts';
import { builtinPolicy } from '../policy/builtin.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { effectiveSettings, runnerSettings, updateOrgSettings } from './settings.ts';

let db: TestDatabase;
const now = new Date('2026-05-01T12:00:00Z');

beforeAll(async () => {
  db = await openTestDatabase('org_settings');
  await seedOrg(db, 'acme');
  await seedOrg(db, 'other');
});
afterAll(() => db.close());

const update = (orgId: string, patch: unknown) =>
  db.withOrg(orgId, (trx) => updateOrgSettings(trx, orgId, patch, 'test', now));

async function invalid(orgId: string, patch: unknown): Promise<AppError> {
  const error = await update(orgId, patch).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('invalid_request');
  return error as AppError;
}

test('defaults are filled in; a hand-edited bad value falls back for that key only', () => {
  expect(effectiveSettings(undefined)).toEqual({
    scan_overdue_days: [5, 10, 30],
    policies: {},
    reg_f_for_all: false,
    fee_review: false,
    partial_payment_after_notice: 'accept_with_receipt',
    consolidate_contacts: false,
    payment_url: null,
  });
  const settings = effectiveSettings({ scan_overdue_days: 'soon', consolidate_contacts: true, later_layer: 1 });
  expect(settings.scan_overdue_days).toEqual([5, 10, 30]);
  expect(settings.consolidate_contacts).toBe(true);
  expect(settings).not.toHaveProperty('later_layer');
});

test('a merge patch sets, sorts, keeps, and returns keys to their defaults; each change audited', async () => {
  const first = await update('acme', { scan_overdue_days: [14, 3, 7, 7], consolidate_contacts: true });
  expect(first.settings.scan_overdue_days).toEqual([3, 7, 14]);
  expect(first.changed).toEqual({
    scan_overdue_days: { from: [5, 10, 30], to: [3, 7, 14] },
    consolidate_contacts: { from: false, to: true },
  });
  expect((await db.withOrg('acme', (trx) => runnerSettings(trx, 'acme'))).scan_overdue_days).toEqual([3, 7, 14]);

  const second = await update('acme', { scan_overdue_days: null, fee_review: true });
  expect(second.settings).toMatchObject({
    scan_overdue_days: [5, 10, 30],
    fee_review: true,
    consolidate_contacts: true,
  });
  expect(Object.keys(second.changed).sort()).toEqual(['fee_review', 'scan_overdue_days']);

  // The same values again change nothing and write no audit row.
  const again = await update('acme', { fee_review: true });
  expect(again.changed).toEqual({});

  const audit = await db.withOrg('acme', (trx) =>
    trx('audit_log').where({ org_id: 'acme', action: 'org.settings_changed' }).orderBy('seq').select('actor', 'data'),
  );
  expect(audit.map((a) => Object.keys(a.data.changed).sort())).toEqual([
    ['consolidate_contacts', 'scan_overdue_days'],
    ['fee_review', 'scan_overdue_days'],
  ]);
  expect(audit[0].actor).toBe('test');
  // Another org's settings are untouched.
  expect((await db.withOrg('other', (trx) => runnerSettings(trx, 'other'))).scan_overdue_days).toEqual([5, 10, 30]);
});

test('unknown keys and bad values are refused with their paths; nothing is written', async () => {
  const before = await db.knex('orgs').where({ org_id: 'acme' }).first('settings');
  const typo = await invalid('acme', { scan_overdue_day: [3], fee_review: 'yes' });
  expect(typo.details.map((d) => d.path).sort()).toEqual(['settings.fee_review', 'settings.scan_overdue_day']);
  expect(typo.message).toMatch(/settings.scan_overdue_day: unknown setting; known: scan_overdue_days/);
  const range = await invalid('acme', { scan_overdue_days: [-1], partial_payment_after_notice: 'maybe' });
  expect(range.details.map((d) => d.path).sort()).toEqual([
    'settings.partial_payment_after_notice',
    'settings.scan_overdue_days.0',
  ]);
  await invalid('acme', { scan_overdue_days: [] });
  const kind = await invalid('acme', { policies: { industrial: 'x' } });
  expect(kind.details).toEqual([
    { path: 'settings.policies.industrial', message: expect.stringMatching(/known: residential, commercial/) },
  ]);
  expect(await db.knex('orgs').where({ org_id: 'acme' }).first('settings')).toEqual(before);
});

test('a policy must exist for the org and may not exclude the lease kind it is set for', async () => {
  const missing = await invalid('acme', { policies: { residential: 'gentle' } });
  expect(missing.details).toEqual([
    { path: 'settings.policies.residential', message: expect.stringMatching(/no policy "gentle"/) },
  ]);
  const residentialOnly = PolicyDocument.parse({
    ...builtinPolicy('default-residential'),
    id: 'gentle',
    version: undefined,
    applies_to: { lease_kind: ['residential'] },
  });
  await db.withOrg('acme', (trx) => publishPolicy(trx, 'acme', residentialOnly, 'test', now));
  const set = await update('acme', { policies: { residential: 'gentle' } });
  expect(set.settings.policies).toEqual({ residential: 'gentle' });
  const wrongKind = await invalid('acme', { policies: { commercial: 'gentle' } });
  expect(wrongKind.details[0]!.message).toMatch(/applies to residential leases only/);
  // Published for acme only: another org cannot name it.
  await invalid('other', { policies: { residential: 'gentle' } });
  // Built-ins are always there; null on one kind keeps the other.
  await update('acme', { policies: { commercial: 'default-commercial' } });
  const cleared = await update('acme', { policies: { residential: null } });
  expect(cleared.settings.policies).toEqual({ commercial: 'default-commercial' });
});

test('every problem in one answer: the valid keys are still checked when others fail the schema', async () => {
  const before = await db.knex('orgs').where({ org_id: 'other' }).first('settings');
  const error = await invalid('other', {
    policies: { mixed: 'default-residential', residential: 'nope', commercial: 'default-residential' },
    fee_review: 'maybe',
    scan_overdue_days: [3],
  });
  expect(error.details.map((d) => d.path).sort()).toEqual([
    'settings.fee_review',
    'settings.policies.commercial',
    'settings.policies.mixed',
    'settings.policies.residential',
  ]);
  expect(error.message).toMatch(/settings\.policies\.residential: no policy "nope"/);
  expect(error.message).toMatch(/settings\.policies\.commercial: policy "default-residential" applies to residential/);
  // The valid key was not written either.
  expect(await db.knex('orgs').where({ org_id: 'other' }).first('settings')).toEqual(before);
});

test('a payment URL: https (http on localhost only), {lease_id} and {org_id} only, a URL once filled in', async () => {
  const set = await update('other', { payment_url: 'https://portal.example.com/{org_id}/pay?lease={lease_id}' });
  expect(set.changed).toEqual({
    payment_url: { from: null, to: 'https://portal.example.com/{org_id}/pay?lease={lease_id}' },
  });
  await update('other', { payment_url: 'http://localhost:8080/pay/{lease_id}' });
  await update('other', { payment_url: 'http://127.0.0.1/pay' });
  const before = await db.knex('orgs').where({ org_id: 'other' }).first('settings');
  const refused = async (url: string) => (await invalid('other', { payment_url: url })).details;
  expect(await refused('not a url/{lease_id}')).toEqual([
    { path: 'settings.payment_url', message: expect.stringMatching(/^not a URL: "not a url\/\{lease_id\}"/) },
  ]);
  expect(await refused('https://pay.example.com/{tenant_id}?l={lease_id}')).toEqual([
    {
      path: 'settings.payment_url',
      message: 'unknown placeholder {tenant_id}; only {lease_id} and {org_id} are filled in',
    },
  ]);
  expect(await refused('https://pay.example.com/{lease_id')).toEqual([
    { path: 'settings.payment_url', message: expect.stringMatching(/a "\{" or "\}" outside the placeholders/) },
  ]);
  for (const url of ['http://pay.example.com/{lease_id}', 'http://10.0.0.1/pay', 'ftp://pay.example.com/'])
    expect(await refused(url)).toEqual([
      {
        path: 'settings.payment_url',
        message: expect.stringMatching(/^expected an https URL \(http only for localhost/),
      },
    ]);
  expect((await refused('https://user:secret@pay.example.com/'))[0]!.message).toMatch(/user name or password/);
  expect(await refused('')).toHaveLength(1);
  expect(await db.knex('orgs').where({ org_id: 'other' }).first('settings')).toEqual(before);
  // null: back to no link.
  const cleared = await update('other', { payment_url: null });
  expect(cleared.settings.payment_url).toBeNull();
  // A hand-edited bad value reads as unset.
  expect(effectiveSettings({ payment_url: 'http://pay.example.com/' }).payment_url).toBeNull();
});
