import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { inboundParsePost, sendgridSigner } from '../providers/sendgrid/webhook-signer.ts';
import { seedTenant, startTestRunner, waitFor, type TestRunner } from '../runner/testing.ts';
import { cipherFromKey } from '../secrets/cipher.ts';
import { storeCredentials } from '../secrets/credentials.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { webhookTestApp } from './testing.ts';

// Inbound Parse is signed by SendGrid, but anyone can email the parse address with a tenant's
// From. On PostgreSQL through the worker: a reply whose From domain is not authenticated (no
// aligned DKIM or SPF pass) revokes no consent and pauses nothing; a person gets it as a task
// marked unverified. A reply the tenant's domain authenticates still acts.
let db: TestDatabase;
let runner: TestRunner;
let app: Express;
const now = zonedInstant('2026-03-10', '11:00', 'America/Los_Angeles');
const cipher = cipherFromKey(crypto.randomBytes(32));
const inbound = sendgridSigner();

beforeAll(async () => {
  db = await openTestDatabase('inbound_spoofing');
  await seedOrg(db, 'acme', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }]);
  await seedTenant(db, 'acme', 'L1', 'T1', '+14155550101');
  await seedTenant(db, 'acme', 'L2', 'T2', '+14155550102');
  await db.withOrg('acme', (trx) =>
    storeCredentials(trx, cipher, 'acme', 'sendgrid', { inbound_parse_public_key: inbound.publicKey }, now),
  );
  runner = await startTestRunner(db, now);
  app = webhookTestApp(db, runner, cipher);
});
afterAll(async () => {
  await runner.stop();
  await db.close();
});

/** An email to the parse address as SendGrid posts it, with its receiving server's verdicts. */
async function email(
  id: string,
  from: string,
  text: string,
  verdicts: { SPF: string; dkim: string; mailFrom: string },
) {
  const post = inboundParsePost(
    inbound,
    {
      headers: `From: ${from}\nMessage-ID: <${id}@mail.test>\nSubject: Re: Late email\n`,
      from,
      to: 'replies@parse.acme.test',
      subject: 'Re: Late email',
      text,
      envelope: JSON.stringify({ to: ['replies@parse.acme.test'], from: verdicts.mailFrom }),
      SPF: verdicts.SPF,
      dkim: verdicts.dkim,
    },
    now,
  );
  await request(app).post('/webhooks/sendgrid-inbound/acme').set(post.headers).send(post.body).expect(200);
  return waitFor(`reply ${id} processed`, async () => {
    const row = await db
      .knex('inbound_events')
      .where({ event_id: `<${id}@mail.test>` })
      .first('outcome', 'processed_at');
    return row?.processed_at ? (row.outcome as string) : undefined;
  });
}
/** A forger's own server: SPF and DKIM pass, for the forger's domain, under the tenant's From. */
const forger = { SPF: 'pass', dkim: '{@evil.test : pass}', mailFrom: 'bounce@evil.test' };
const consent = (tenant: string) =>
  db.knex('tenant_consents').where({ tenant_id: tenant, channel: 'email' }).first('granted', 'source');
const tasks = (lease: string) =>
  db.knex('effects').where({ org_id: 'acme', lease_id: lease, type: 'task' }).orderBy('key').pluck('payload');
const holds = (lease: string) => db.knex('holds').where({ org_id: 'acme', lease_id: lease }).pluck('id');

test("a forged STOP in the tenant's name changes no consent; a person gets it marked unverified", async () => {
  expect(await email('forged-stop', 'Tenant T1 <t1@tenant.test>', 'STOP', forger)).toBe(
    'unverified_sender (opt_out not acted on)',
  );
  expect(await consent('T1')).toEqual({ granted: true, source: 'lease-signup' });
  expect(await tasks('L1')).toEqual([
    {
      template: 'tenant-replied',
      channel: 'email',
      unverified_sender: true,
      body: expect.stringMatching(
        /^\[Unverified sender \(from tenant\.test: spf=pass \(evil\.test\), dkim=pass \(evil\.test\)\): .*\] STOP$/,
      ),
    },
  ]);
  const audit = await waitFor('the audit row', async () => {
    const rows = await db
      .knex('audit_log')
      .where({ org_id: 'acme', action: 'webhook.unverified_sender', subject_id: 'L1' })
      .select('actor', 'data');
    return rows.length ? rows : undefined;
  });
  expect(audit).toEqual([
    {
      actor: 'system:webhook',
      data: expect.objectContaining({ from: 't1@tenant.test', intent_not_acted_on: 'opt_out' }),
    },
  ]);
});

test('"I need help" without an authenticated sender pauses nothing; the same words DKIM-signed by the tenant\'s domain do', async () => {
  const unsigned = { SPF: 'softfail', dkim: '', mailFrom: 't2@tenant.test' };
  expect(await email('forged-help', 't2@tenant.test', 'I need help, I lost my job', unsigned)).toBe(
    'unverified_sender (help not acted on)',
  );
  expect(await holds('L2')).toEqual([]);
  const genuine = { SPF: 'none', dkim: '{@tenant.test : pass}', mailFrom: 't2@tenant.test' };
  expect(await email('genuine-help', 't2@tenant.test', 'I need help, I lost my job', genuine)).toBe('help');
  expect(await holds('L2')).toHaveLength(1);
});
