import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { gzipSync } from 'node:zlib';
import { fixedClock } from '../clock.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { createApp } from './app.ts';

// What a probe sent that was misread rather than refused: a body of another media type (or none
// named) reported as a missing body, a merge patch under its own media type and charset=utf8
// refused, bytes that are not UTF-8 stored as U+FFFD, a lower-case `bearer` refused, an unknown
// outbox channel answered with an empty page.
let db: TestDatabase;
let app: Express;
let key: string;

beforeAll(async () => {
  db = await openTestDatabase('http_bodies');
  await seedOrg(db, 'org-a', [{ id: 'P1' }], [{ id: 'L1' }]);
  await db.knex('users').insert([{ org_id: 'org-a', id: 'ada', role: 'admin' }]);
  const now = new Date('2026-12-10T20:00:00Z');
  key = (await issueApiKey(db, 'org-a', 'test', now)).key;
  app = createApp({ db, clock: fixedClock(now), logger: pino({ level: 'silent' }) });
});
afterAll(() => db.close());

const auth = () => ({ authorization: `Bearer ${key}` });
const events = (id: string, memo = 'ok') =>
  JSON.stringify({
    events: [{ kind: 'payment', lease_id: 'L1', external_id: id, amount_cents: 1, effective_on: '2026-12-06', memo }],
  });
/** A request with exactly this content type (none when undefined) and body bytes. */
const raw = (method: 'post' | 'patch', path: string, contentType: string | undefined, body: string | Buffer) => {
  const r = request(app)[method](path).set(auth());
  if (contentType !== undefined) r.set('content-type', contentType);
  // As the bytes are: superagent would serialize a Buffer sent as JSON to `{"type":"Buffer",…}`
  // (its typing says a string comes back; a Buffer is written just the same).
  return r
    .serialize((bytes: Buffer) => bytes as unknown as string)
    .send(Buffer.isBuffer(body) ? body : Buffer.from(body));
};
const expectError = async (res: request.Test, status: number, code: string) => {
  const { body } = await res.expect(status);
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  return body.error.message as string;
};
const stored = (id: string) =>
  db.withOrg('org-a', (trx) => trx('ledger_entries').where({ external_id: id }).pluck('external_id'));

test('a body that is not JSON by its content type, or names none, is 415 unsupported_media_type', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
    const message = await expectError(
      raw('post', '/v1/ledger/events', type, events(`ct-${type}`)),
      415,
      'unsupported_media_type',
    );
    expect(message).toMatch(/application\/json/);
    expect(await stored(`ct-${type}`)).toEqual([]);
  }
  await expectError(
    raw('post', '/v1/leases/L1/holds', 'text/plain', '{"id":"H","kind":"scra","user_id":"ada"}'),
    415,
    'unsupported_media_type',
  );
  // Only the merge-patch route takes the merge-patch media type.
  await expectError(
    raw('post', '/v1/ledger/events', 'application/merge-patch+json', events('ct-mp')),
    415,
    'unsupported_media_type',
  );
});

test('a JSON merge patch under its own media type is accepted, and charset=utf8 is UTF-8', async () => {
  const res = await raw(
    'patch',
    '/v1/org/settings',
    'application/merge-patch+json',
    JSON.stringify({ user_id: 'ada', settings: { fee_review: true } }),
  ).expect(200);
  expect(res.body.settings.fee_review).toBe(true);
  for (const [i, type] of [
    'application/json; charset=utf8',
    'application/json; charset="UTF-8"',
    'Application/JSON;charset=UTF8',
  ].entries()) {
    const ok = await raw('post', '/v1/ledger/events', type, events(`cs-${i}`)).expect(200);
    expect(ok.body).toMatchObject({ inserted: 1, rejected: [] });
  }
  await expectError(
    raw('post', '/v1/ledger/events', 'application/json; charset=utf-16', events('cs-16')),
    415,
    'unsupported_media_type',
  );
});

test('a body whose bytes are not UTF-8 is 400 on every JSON route and nothing is stored', async () => {
  const bad = (json: string) => {
    const [head, tail] = json.split('BAD');
    return Buffer.concat([Buffer.from(head!), Buffer.from([0xff, 0xfe]), Buffer.from(tail!)]);
  };
  const message = await expectError(
    raw('post', '/v1/ledger/events', 'application/json', bad(events('utf8-1', 'bad BAD bytes'))),
    400,
    'invalid_request',
  );
  expect(message).toMatch(/UTF-8/);
  expect(await stored('utf8-1')).toEqual([]);
  const gz = raw('post', '/v1/ledger/events', 'application/json', gzipSync(bad(events('utf8-2', 'BAD'))));
  expect(await expectError(gz.set('content-encoding', 'gzip'), 400, 'invalid_request')).toMatch(/UTF-8/);
  await expectError(
    raw('patch', '/v1/org/settings', 'application/json', bad('{"user_id":"ada","settings":{"policies":{"x":"BAD"}}}')),
    400,
    'invalid_request',
  );
  await expectError(
    raw('post', '/v1/leases/L1/flags', 'application/json', bad('{"user_id":"ada","reason":"BAD"}')),
    400,
    'invalid_request',
  );
  // Well-formed multi-byte text is kept as sent.
  await raw('post', '/v1/ledger/events', 'application/json', events('utf8-3', 'Zoë – 家賃')).expect(200);
  const memo = await db.withOrg('org-a', (trx) => trx('ledger_entries').where({ external_id: 'utf8-3' }).first('memo'));
  expect(memo).toEqual({ memo: 'Zoë – 家賃' });
});

test('the Bearer scheme is matched case-insensitively', async () => {
  for (const scheme of ['bearer', 'BEARER', 'Bearer'])
    await request(app).get('/v1/org/settings').set('authorization', `${scheme} ${key}`).expect(200);
  await request(app).get('/v1/org/settings').set('authorization', `Basic ${key}`).expect(401);
  await request(app).get('/v1/org/settings').set('authorization', `Bearer${key}`).expect(401);
});

test('the outbox refuses an unknown channel and malformed paging with their paths', async () => {
  const refused = async (query: string, path: string) => {
    const { body } = await request(app).get(`/v1/outbox?${query}`).set(auth()).expect(400);
    expect(body.error.details.map((d: { path: string }) => d.path)).toEqual([path]);
  };
  await refused('channel=pigeon', 'query.channel');
  await refused('channel=email&channel=sms', 'query.channel');
  await refused('after=', 'query.after');
  await refused('after=-1', 'query.after');
  await refused('after=1.5', 'query.after');
  await refused('after=abc', 'query.after');
  await refused('after=1e3', 'query.after');
  await refused('limit=', 'query.limit');
  await refused('limit=501', 'query.limit');
  await refused('lease_id=', 'query.lease_id');
  const ok = await request(app).get('/v1/outbox?channel=email&after=0&limit=10').set(auth()).expect(200);
  expect(ok.body).toEqual({ messages: [], next_after: null });
});
