import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { fixedClock } from '../clock.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { createApp } from './app.ts';

// What production callers sent that PostgreSQL or the body parser refused with a 500: a NUL in
// any text, the reserved source name, a reversal dated before its payment, a malformed URL
// escape, an unsupported charset or encoding. Each is a 4xx in the one error shape (or, for a
// ledger event, a rejection of that row), and the rest of the batch is kept.
let db: TestDatabase;
let app: Express;
let key: string;

beforeAll(async () => {
  db = await openTestDatabase('http_hardening');
  await seedOrg(db, 'org-a', [{ id: 'P1', timezone: 'America/Los_Angeles' }], [{ id: 'L1' }, { id: 'L2' }]);
  const now = new Date('2026-12-10T20:00:00Z');
  key = (await issueApiKey(db, 'org-a', 'test', now)).key;
  app = createApp({ db, clock: fixedClock(now), logger: pino({ level: 'silent' }) });
});
afterAll(() => db.close());

const auth = () => ({ authorization: `Bearer ${key}` });
const post = (path: string, body: unknown) =>
  request(app)
    .post(path)
    .set(auth())
    .send(body as object);
const payment = (external_id: string, extra: Record<string, unknown> = {}) => ({
  kind: 'payment',
  lease_id: 'L1',
  external_id,
  amount_cents: 100,
  effective_on: '2026-12-06',
  ...extra,
});

test('a NUL in an event rejects that row by number and field; the good rows are kept and the rejection stored', async () => {
  const res = await post('/v1/ledger/events', {
    events: [
      payment('nul-ok-1'),
      payment('nul-memo', { memo: 'a\u0000b' }),
      payment('nul\u0000id'),
      payment('nul-lease', { lease_id: 'L\u00001' }),
      payment('nul-ok-2'),
    ],
  }).expect(200);
  expect(res.body).toMatchObject({ received: 5, inserted: 2, committed: true });
  expect(res.body.rejected).toEqual([
    {
      row: 2,
      external_id: 'nul-memo',
      code: 'invalid',
      field: 'memo',
      message: 'memo: must not contain a NUL character (\\u0000)',
    },
    {
      row: 3,
      external_id: 'nul\\u0000id',
      code: 'invalid',
      field: 'external_id',
      message: 'external_id: must not contain a NUL character (\\u0000)',
    },
    {
      row: 4,
      external_id: 'nul-lease',
      code: 'invalid',
      field: 'lease_id',
      message: 'lease_id: must not contain a NUL character (\\u0000)',
    },
  ]);
  const stored = await db.withOrg('org-a', (trx) =>
    trx('ingest_rejections').where({ field: 'memo' }).first('row_number', 'payload'),
  );
  expect(stored).toEqual({ row_number: 2, payload: payment('nul-memo', { memo: 'a\\u0000b' }) });
  // strict: the NUL row sinks the batch, as any bad row does, and is still recorded.
  const strict = await post('/v1/ledger/events', {
    strict: true,
    events: [payment('nul-strict-ok'), payment('nul-strict', { memo: '\u0000' })],
  }).expect(422);
  expect(strict.body).toMatchObject({ inserted: 0, committed: false, rejected: [{ row: 2, field: 'memo' }] });
});

test('a NUL anywhere else in a request is a 400 invalid_request naming its path', async () => {
  const refused = async (res: request.Test, path: string) => {
    const { body } = await res.expect(400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details).toContainEqual({ path, message: 'must not contain a NUL character (\\u0000)' });
  };
  await refused(post('/v1/leases/L1/flags', { user_id: 'u1', reason: 'x\u0000' }), 'body.reason');
  await refused(post('/v1/leases/L1/status', { status: 'at_risk', source: 'crm\u0000' }), 'body.source');
  await refused(
    request(app).patch('/v1/org/settings').set(auth()).send({ user_id: 'ad\u0000min', settings: {} }),
    'body.user_id',
  );
  await refused(
    request(app)
      .patch('/v1/org/settings')
      .set(auth())
      .send({ user_id: 'admin', settings: { policies: { residential: 'p\u0000' } } }),
    'body.settings.policies.residential',
  );
  await refused(request(app).get('/v1/outbox?lease_id=%00').set(auth()), 'query.lease_id');
  await refused(request(app).get('/v1/leases/%00').set(auth()), 'params.id');
  await refused(request(app).get('/v1/leases/L%001/card').set(auth()), 'params.id');
  await refused(post('/v1/ledger/events', { source: 'a\u0000', events: [payment('x')] }), 'body.source');
});

test('the source name "arrears" is reserved for Arrears’ own postings', async () => {
  const { body } = await post('/v1/ledger/events', { source: 'arrears', events: [payment('src-1')] }).expect(400);
  expect(body.error).toMatchObject({
    code: 'invalid_request',
    details: [{ path: 'body.source', message: '"arrears" is reserved for Arrears\' own postings' }],
  });
  const entries = await db.withOrg('org-a', (trx) => trx('ledger_entries').where({ external_id: 'src-1' }));
  expect(entries).toEqual([]);
});

test('a reversal dated before its payment is rejected naming both dates; on or after it is accepted', async () => {
  const res = await post('/v1/ledger/events', {
    source: 'bank',
    events: [
      payment('t-z1', { amount_cents: 7777, effective_on: '2026-12-05' }),
      { kind: 'reversal', lease_id: 'L1', external_id: 't-z1r', reverses: 't-z1', effective_on: '2026-10-01' },
    ],
  }).expect(200);
  expect(res.body.rejected).toEqual([
    {
      row: 2,
      external_id: 't-z1r',
      code: 'reversal_mismatch',
      field: 'effective_on',
      message:
        'effective_on: the reversal is dated 2026-10-01, before payment t-z1 (effective 2026-12-05); date it on or after the payment',
    },
  ]);
  const sameDay = await post('/v1/ledger/events', {
    source: 'bank',
    events: [{ kind: 'reversal', lease_id: 'L1', external_id: 't-z1r2', reverses: 't-z1', effective_on: '2026-12-05' }],
  }).expect(200);
  expect(sameDay.body).toMatchObject({ inserted: 1, rejected: [] });
});

test('a malformed URL escape, an unsupported charset or encoding and an undecodable body are 4xx, not 500', async () => {
  const expectError = async (res: request.Test, status: number, code: string) => {
    const { body } = await res.expect(status);
    expect(body).toEqual({ error: { code, message: expect.any(String) } });
    return body.error.message as string;
  };
  expect(await expectError(request(app).get('/v1/leases/%E0%A4%A').set(auth()), 400, 'invalid_request')).toMatch(
    /Malformed URL/,
  );
  const json = JSON.stringify({ events: [payment('enc-1')] });
  const raw = (contentType: string, encoding: string | undefined, body: Buffer | string) => {
    const r = request(app).post('/v1/ledger/events').set(auth()).set('content-type', contentType);
    if (encoding) r.set('content-encoding', encoding);
    return r.send(body);
  };
  expect(
    await expectError(raw('application/json; charset=latin1', undefined, json), 415, 'unsupported_media_type'),
  ).toMatch(/LATIN1/);
  expect(await expectError(raw('application/json', 'compress', json), 415, 'unsupported_media_type')).toMatch(
    /compress/,
  );
  await expectError(raw('application/json', 'br', json), 400, 'invalid_request');
  await expectError(raw('application/json', 'gzip', json), 400, 'invalid_request');
});
