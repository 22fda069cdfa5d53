import request from 'supertest';
import type { Express } from 'express';
import { Writable } from 'node:stream';
import { fixedClock } from '../clock.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { createApp } from './app.ts';
import { createLogger } from './logger.ts';

let db: TestDatabase;
let app: Express;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  db = await openTestDatabase('http_settings');
  await seedOrg(db, 'org-a');
  await seedOrg(db, 'org-b');
  await db.knex('users').insert([
    { org_id: 'org-a', id: 'ada', role: 'admin' },
    { org_id: 'org-a', id: 'max', role: 'manager' },
  ]);
  const now = new Date('2026-03-10T20:00:00Z');
  keyA = (await issueApiKey(db, 'org-a', 'test', now)).key;
  keyB = (await issueApiKey(db, 'org-b', 'test', now)).key;
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  app = createApp({ db, clock: fixedClock(now), logger: createLogger('info', sink) });
});
afterAll(() => db.close());

const patch = (key: string, body: unknown) =>
  request(app)
    .patch('/v1/org/settings')
    .set('authorization', `Bearer ${key}`)
    .send(body as object);

test('GET shows every setting with its default', async () => {
  const res = await request(app).get('/v1/org/settings').set('authorization', `Bearer ${keyA}`).expect(200);
  expect(res.body).toEqual({
    org_id: 'org-a',
    settings: {
      scan_overdue_days: [5, 10, 30],
      policies: {},
      reg_f_for_all: false,
      fee_review: false,
      partial_payment_after_notice: 'accept_with_receipt',
      consolidate_contacts: false,
      payment_url: null,
    },
    changed: {},
  });
  await request(app).get('/v1/org/settings').expect(401);
});

test('an admin changes settings; the change is audited with the user and the key, other orgs untouched', async () => {
  const res = await patch(keyA, {
    user_id: 'ada',
    settings: { scan_overdue_days: [3, 7], consolidate_contacts: true },
  }).expect(200);
  expect(res.body.settings.scan_overdue_days).toEqual([3, 7]);
  expect(res.body.changed).toEqual({
    scan_overdue_days: { from: [5, 10, 30], to: [3, 7] },
    consolidate_contacts: { from: false, to: true },
  });
  const audit = await db
    .knex('audit_log')
    .where({ org_id: 'org-a', action: 'org.settings_changed' })
    .first('actor', 'subject_id');
  expect(audit.actor).toMatch(/^ada \(via api-key:/);
  expect(audit.subject_id).toBe('org-a');
  const b = await request(app).get('/v1/org/settings').set('authorization', `Bearer ${keyB}`).expect(200);
  expect(b.body.org_id).toBe('org-b');
  expect(b.body.settings.scan_overdue_days).toEqual([5, 10, 30]);
  // null returns a setting to its default.
  const reset = await patch(keyA, { user_id: 'ada', settings: { scan_overdue_days: null } }).expect(200);
  expect(reset.body.settings.scan_overdue_days).toEqual([5, 10, 30]);
});

test('only an admin of the calling org may change settings', async () => {
  const manager = await patch(keyA, { user_id: 'max', settings: { fee_review: true } }).expect(403);
  expect(manager.body.error.message).toMatch(/"max" is a manager; settings are changed by admins/);
  // org-b's key cannot act as org-a's admin.
  const foreign = await patch(keyB, { user_id: 'ada', settings: { fee_review: true } }).expect(400);
  expect(foreign.body.error.details).toEqual([{ path: 'body.user_id', message: 'unknown user' }]);
  const row = await db.knex('orgs').where({ org_id: 'org-a' }).first('settings');
  expect(row.settings.fee_review).toBeUndefined();
});

test('bad settings are refused with the path of every problem', async () => {
  const res = await patch(keyA, {
    user_id: 'ada',
    settings: { scan_overdue_days: [1.5], policies: { residential: 'nope' }, colour: 'red' },
  }).expect(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
    'body.settings.colour',
    'body.settings.policies.residential',
    'body.settings.scan_overdue_days.0',
  ]);
  // Valid shape, unknown policy: checked against the org's policies.
  const policy = await patch(keyA, { user_id: 'ada', settings: { policies: { residential: 'nope' } } }).expect(400);
  expect(policy.body.error.details).toEqual([
    { path: 'body.settings.policies.residential', message: expect.stringMatching(/no policy "nope"/) },
  ]);
  const envelope = await patch(keyA, { settings: {}, extra: 1 }).expect(400);
  expect(envelope.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body', 'body.user_id']);
});

test('a payment URL is set, shown and audited; a bad one is refused with its path', async () => {
  const url = 'https://portal.example.com/pay/{lease_id}';
  const set = await patch(keyA, { user_id: 'ada', settings: { payment_url: url } }).expect(200);
  expect(set.body.changed).toEqual({ payment_url: { from: null, to: url } });
  const shown = await request(app).get('/v1/org/settings').set('authorization', `Bearer ${keyA}`).expect(200);
  expect(shown.body.settings.payment_url).toBe(url);
  const bad = await patch(keyA, {
    user_id: 'ada',
    settings: { payment_url: 'http://portal.example.com/pay/{lease}' },
  }).expect(400);
  expect(bad.body.error.details).toEqual([
    {
      path: 'body.settings.payment_url',
      message: 'unknown placeholder {lease}; only {lease_id} and {org_id} are filled in',
    },
  ]);
  const plain = await patch(keyA, { user_id: 'ada', settings: { payment_url: 'http://portal.example.com/pay' } });
  expect(plain.status).toBe(400);
  expect(plain.body.error.details[0].message).toMatch(/expected an https URL/);
  const audit = await db
    .knex('audit_log')
    .where({ org_id: 'org-a', action: 'org.settings_changed' })
    .orderBy('seq', 'desc')
    .first('data');
  expect(audit.data.changed).toEqual({ payment_url: { from: null, to: url } });
});
