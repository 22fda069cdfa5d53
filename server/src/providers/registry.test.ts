import crypto from 'node:crypto';
import { ProviderError } from '../ports/index.ts';
import { cipherFromKey } from '../secrets/cipher.ts';
import { storeCredentials } from '../secrets/credentials.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { PROVIDERS, providerPorts } from './registry.ts';
import { startTwilioFake, type TwilioFake } from './twilio/twilio-fake.ts';

let db: TestDatabase;
let fake: TwilioFake;
const cipher = cipherFromKey(crypto.randomBytes(32));
const now = new Date('2026-03-10T18:00:00Z');
const publicUrl = 'https://arrears.example.test';
const sms = {
  key: 'L1:text:2026-03-01',
  org_id: 'acme',
  lease_id: 'L1',
  content_sha256: 'x',
  to: '+14155550101',
  body: 'Hi',
};

beforeAll(async () => {
  fake = await startTwilioFake();
  db = await openTestDatabase('provider_registry');
  await seedOrg(db, 'acme');
  await seedOrg(db, 'other');
  await seedOrg(db, 'broken');
  await db.withOrg('acme', (trx) =>
    storeCredentials(
      trx,
      cipher,
      'acme',
      'twilio',
      { account_sid: fake.accountSid, auth_token: fake.authToken, from: '+14155550100', api_base_url: fake.url },
      now,
    ),
  );
  // Written around validation (by hand, or by an older version): must not parse.
  await db.withOrg('broken', (trx) =>
    storeCredentials(trx, cipher, 'broken', 'twilio', { account_sid: 'AC-nope', auth_token: 'short' }, now),
  );
});
afterAll(async () => {
  await db?.close();
  await fake?.close();
});

test("an org's stored Twilio credentials drive its texts; another org stays on the sandbox", async () => {
  const portsFor = providerPorts({ db, cipher, publicUrl });
  const acme = await portsFor('acme');
  expect([acme.sms.provider, acme.voice.provider, acme.email.provider]).toEqual(['twilio', 'twilio', 'sandbox']);
  const delivery = await acme.sms.send(sms, { now });
  expect(delivery).toMatchObject({ provider: 'twilio', status: 'accepted' });
  expect(fake.requests.at(-1)?.form).toMatchObject({ To: '+14155550101', From: '+14155550100', Body: 'Hi' });
  const other = await portsFor('other');
  expect([other.sms.provider, other.email.provider]).toEqual(['sandbox', 'sandbox']);
});

test('credentials that no longer parse fail every send as auth (dead letters), never fall back to the sandbox', async () => {
  const ports = await providerPorts({ db, cipher, publicUrl })('broken');
  expect(ports.sms.provider).toBe('twilio');
  const failure = await ports.sms.send({ ...sms, org_id: 'broken' }, { now }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(ProviderError);
  expect(failure).toMatchObject({ kind: 'auth' });
  expect((failure as Error).message).toContain('arrears provider set twilio');
  // Reading a status back fails the same way, so a delivery report falls back to its payload.
  await expect(ports.sms.fetchStatus!('SM0', { now })).rejects.toMatchObject({ kind: 'auth' });
});

test('ports are reused for the TTL, then credentials are read again', async () => {
  let clock = 0;
  const portsFor = providerPorts({ db, cipher, publicUrl, ttlMs: 1000, now: () => clock });
  const first = await portsFor('other');
  expect(await portsFor('other')).toBe(first);
  await db.withOrg('other', (trx) =>
    storeCredentials(
      trx,
      cipher,
      'other',
      'twilio',
      { account_sid: fake.accountSid, auth_token: fake.authToken, from: '+14155550199', api_base_url: fake.url },
      now,
    ),
  );
  expect((await portsFor('other')).sms.provider).toBe('sandbox');
  clock = 1000;
  expect((await portsFor('other')).sms.provider).toBe('twilio');
});

test('without a cipher nothing can be stored, so every org is on the sandbox', async () => {
  const ports = await providerPorts({ db, cipher: undefined, publicUrl })('acme');
  expect(ports.sms.provider).toBe('sandbox');
});

test('provider set validation names fields and never echoes a value', () => {
  expect(() => PROVIDERS.twilio.parse({ account_sid: 'x', auth_token: 'secret-value-123456' })).toThrow(/account_sid/);
  expect(() => PROVIDERS.twilio.parse({ account_sid: 'x', auth_token: 'secret-value-123456' })).not.toThrow(
    /secret-value/,
  );
  expect(() => PROVIDERS.accounting.parse({ webhook_secret: 'short' })).toThrow(/webhook_secret/);
  expect(PROVIDERS.accounting.parse({ webhook_secret: 'a-long-enough-secret' })).toEqual({
    webhook_secret: 'a-long-enough-secret',
  });
});
