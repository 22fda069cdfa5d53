import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { cipherFromKey } from '../secrets/cipher.ts';
import { storeCredentials } from '../secrets/credentials.ts';
import { parseScenario } from '../simulate/load.ts';
import { SIM_ORG, seedScenario } from '../simulate/seed.ts';
import { SCENARIOS } from '../simulate/testing.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { zonedInstant } from '../time/zoned.ts';
import { signAccountingWebhook } from '../webhooks/schemes/accounting.ts';
import { JOBS } from './jobs.ts';
import { startTestRunner, waitFor, waitForIdle, type TestRunner } from './testing.ts';
import { webhookTestApp } from '../webhooks/testing.ts';

// Acceptance scenario 6 (the cure race and an NSF return) through the worker and the signed
// accounting webhook, not through simulate: the payment's webhook arrives three times a minute
// before the scheduled text, the text is suppressed at dispatch, the NSF return puts the case
// back at its original age at once with one NSF fee, and L3 follows on its own date.
let db: TestDatabase;
let runner: TestRunner;
let app: Express;
const TZ = 'America/Los_Angeles';
const at = (day: string, time: string) => zonedInstant(day, time, TZ);
const SECRET = 'whsec_scenario_6';

beforeAll(async () => {
  db = await openTestDatabase('scenario6');
  const scenario = parseScenario(fs.readFileSync(path.join(SCENARIOS, '06-cure-race-and-nsf.yaml'), 'utf8'));
  const policyId = await seedScenario(db, scenario, at('2026-02-01', '00:00'));
  await db
    .knex('orgs')
    .where({ org_id: SIM_ORG })
    .update({ settings: { policies: { residential: policyId } } });
  const cipher = cipherFromKey(crypto.randomBytes(32));
  await db.withOrg(SIM_ORG, (trx) =>
    storeCredentials(trx, cipher, SIM_ORG, 'accounting', { webhook_secret: SECRET }, new Date()),
  );
  runner = await startTestRunner(db, at('2026-03-03', '10:00'));
  app = webhookTestApp(db, runner, cipher);
});
afterAll(async () => {
  await runner.stop();
  await db.close();
});

async function deliver(id: string, events: Record<string, unknown>[]) {
  const body = JSON.stringify({ source: 'books', events });
  const res = await request(app)
    .post(`/webhooks/accounting/${SIM_ORG}`)
    .set('content-type', 'application/json')
    .set('x-arrears-delivery', id)
    .set('x-arrears-signature', signAccountingWebhook(SECRET, body, runner.clock.now()))
    .send(body)
    .expect(200);
  await waitForIdle(db);
  return res.body as { new: number };
}
async function scan() {
  const id = await runner.boss.send(JOBS.scan.queue, { org_id: SIM_ORG });
  await waitFor('the scan', async () => {
    const [job] = await runner.boss.findJobs(JOBS.scan.queue, { id: id! });
    return job?.state === 'completed' ? true : undefined;
  });
  await waitForIdle(db);
}
const levels = async () =>
  (await db.knex('case_events').where({ type: 'level_changed' }).orderBy('at').select('at', 'data')).map(
    (e: { at: Date; data: { to: string } }) => `${e.at.toISOString().slice(0, 10)} ${e.data.to}`,
  );
const effect = (key: string) => db.knex('effects').where({ key }).first('status', 'reason', 'due_at');

test('scenario 6 through the worker: cure race, NSF return, one transition per change', async () => {
  const rent = (id: string, due: string) => ({
    kind: 'charge',
    lease_id: 'L6',
    external_id: id,
    charge_type: 'rent',
    amount_cents: 200_000,
    effective_on: due,
    due_on: due,
  });
  await deliver('charges', [rent('RENT-2026-02', '2026-02-01'), rent('RENT-2026-03', '2026-03-01')]);
  expect(await levels()).toEqual(['2026-03-03 L2']);
  // Mar 5 00:00, the lease's timer: day 32 is reached, the text is scheduled for 10:00.
  runner.clock.set(at('2026-03-05', '00:00'));
  await scan();
  expect(await effect('L6:l2-sms:2026-02-01')).toMatchObject({
    status: 'scheduled',
    due_at: at('2026-03-05', '10:00'),
  });

  // 09:59: the payment, its webhook delivered three times.
  runner.clock.set(at('2026-03-05', '09:59'));
  const payment = {
    kind: 'payment',
    lease_id: 'L6',
    external_id: 'PAY-1',
    amount_cents: 200_000,
    effective_on: '2026-03-05',
  };
  const answers = [
    await deliver('pay-1', [payment]),
    await deliver('pay-1', [payment]),
    await deliver('pay-1', [payment]),
  ];
  expect(answers.map((a) => a.new)).toEqual([1, 0, 0]);
  expect(await db.knex('ledger_entries').where({ external_id: 'PAY-1' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  expect(await levels()).toEqual(['2026-03-03 L2', '2026-03-05 grace']);

  // 10:00: the text's instant. Dispatch re-checks and suppresses it.
  runner.clock.set(at('2026-03-05', '10:00'));
  await scan();
  expect(await effect('L6:l2-sms:2026-02-01')).toMatchObject({ status: 'suppressed' });
  expect(await db.knex('sandbox_outbox').where({ channel: 'sms' }).count({ n: '*' })).toEqual([{ n: 0 }]);

  // Monday Mar 9: the payment returns NSF. February re-opens at its original age: L2 at once.
  runner.clock.set(at('2026-03-09', '11:00'));
  await deliver('nsf-1', [
    {
      kind: 'reversal',
      lease_id: 'L6',
      external_id: 'NSF-1',
      reverses: 'PAY-1',
      reason: 'nsf',
      effective_on: '2026-03-09',
    },
  ]);
  await scan();
  expect(await levels()).toEqual(['2026-03-03 L2', '2026-03-05 grace', '2026-03-09 L2']);
  const fees = await db.knex('effects').where({ type: 'nsf_fee' }).select('status');
  expect(fees).toEqual([{ status: 'posted' }]);

  // Wednesday Mar 18: 45 days since February's due date: L3 and its letter.
  runner.clock.set(at('2026-03-18', '12:00'));
  await scan();
  expect(await levels()).toEqual(['2026-03-03 L2', '2026-03-05 grace', '2026-03-09 L2', '2026-03-18 L3']);
  expect(await effect('L6:l3-letter:2026-02-01')).toMatchObject({ status: 'sent' });
  expect(await db.knex('sandbox_outbox').where({ channel: 'letter' }).pluck('effect_key')).toEqual([
    'L6:l3-letter:2026-02-01',
  ]);
}, 120_000);
