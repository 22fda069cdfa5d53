import net from 'node:net';
import util from 'node:util';
import type { EmailMessage } from '../../ports/index.ts';
import { ProviderError } from '../../ports/index.ts';
import { parseSendgridCredentials, type SendgridCredentials } from './credentials.ts';
import { SendgridOutcomeUnknown } from './errors.ts';
import { sendgridPorts, sendgridWebhookUrls } from './mail.ts';
import { badRequest, rateLimited, startSendgridFake, validateMailSend, type SendgridFake } from './sendgrid-fake.ts';
import { sendgridSigner } from './webhook-signer.ts';

// The email port through the real @sendgrid/mail SDK against the local contract fake: what goes
// over the wire, and how each of SendGrid's answers becomes what the runner does next.
let fake: SendgridFake;
const now = new Date('2026-03-10T19:00:00Z');
const publicKey = sendgridSigner().publicKey;

beforeAll(async () => {
  fake = await startSendgridFake();
});
afterAll(() => fake.close());
beforeEach(() => fake.requests.splice(0));

const credentials = (over: Partial<SendgridCredentials> = {}): SendgridCredentials =>
  parseSendgridCredentials({
    api_key: fake.apiKey,
    from: { email: 'rent@acme.test', name: 'Acme Rentals' },
    reply_to: { email: 'replies@parse.acme.test' },
    templates: { 'late-email': 'd-0123456789abcdef0123456789abcdef' },
    event_webhook_public_key: publicKey,
    api_base_url: fake.url,
    ...over,
  });
const port = (over: Partial<SendgridCredentials> = {}, timeoutMs?: number) =>
  sendgridPorts(credentials(over), { orgId: 'acme', publicUrl: 'https://arrears.example.test', timeoutMs }).email;

const message = (over: Partial<EmailMessage> = {}): EmailMessage => ({
  key: 'L1:late-email:2026-03-01',
  org_id: 'acme',
  lease_id: 'L1',
  content_sha256: 'a'.repeat(64),
  to: [
    { email: 't1@tenant.test', name: 'Tenant T1' },
    { email: 't2@tenant.test', name: 'Tenant T2' },
  ],
  subject: 'Late email',
  text: '[late-email] Lease L1: balance $1,800.00.',
  template: {
    id: 'late-email',
    data: { lease_id: 'L1', balance_cents: 180_000, payment_link: 'https://pay.test/L1', body: 'Balance $1,800.00' },
  },
  custom_args: { effect_key: 'L1:late-email:2026-03-01', org_id: 'acme' },
  ...over,
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}

test('a mapped template: template_id, one personalization per recipient with its dynamic data, custom args', async () => {
  const delivery = await port().send(message(), { now });
  const [request] = fake.accepted();
  expect(delivery).toEqual({ provider: 'sendgrid', provider_message_id: request!.message_id, status: 'accepted' });
  expect(request!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  const data = {
    lease_id: 'L1',
    balance_cents: 180_000,
    payment_link: 'https://pay.test/L1',
    body: 'Balance $1,800.00',
    subject: 'Late email',
    balance: '$1,800.00',
  };
  expect(request!.body).toEqual({
    from: { email: 'rent@acme.test', name: 'Acme Rentals' },
    reply_to: { email: 'replies@parse.acme.test' },
    template_id: 'd-0123456789abcdef0123456789abcdef',
    personalizations: [
      {
        to: [{ email: 't1@tenant.test', name: 'Tenant T1' }],
        dynamic_template_data: { ...data, recipient_name: 'Tenant T1' },
      },
      {
        to: [{ email: 't2@tenant.test', name: 'Tenant T2' }],
        dynamic_template_data: { ...data, recipient_name: 'Tenant T2' },
      },
    ],
    custom_args: { effect_key: 'L1:late-email:2026-03-01', org_id: 'acme' },
  });
});

test('an unmapped template: subject and text/plain content; a shared address is sent once', async () => {
  const to = [{ email: 'T1@tenant.test' }, { email: 't1@tenant.test', name: 'Co-tenant' }];
  await port({ templates: undefined, reply_to: undefined }).send(message({ to }), { now });
  expect(fake.accepted().map((r) => r.body)).toEqual([
    {
      from: { email: 'rent@acme.test', name: 'Acme Rentals' },
      subject: 'Late email',
      personalizations: [{ to: [{ email: 'T1@tenant.test' }] }],
      content: [{ type: 'text/plain', value: '[late-email] Lease L1: balance $1,800.00.' }],
      custom_args: { effect_key: 'L1:late-email:2026-03-01', org_id: 'acme' },
    },
  ]);
});

test("each org's port sends with its own key: a wrong key next to a right one is refused alone", async () => {
  const right = port();
  const wrong = port({ api_key: 'SG.revoked.key-that-must-not-leak' });
  await right.send(message(), { now });
  const error = await failure(wrong.send(message(), { now }));
  await right.send(message(), { now });
  expect(fake.requests.map((r) => r.status)).toEqual([202, 401, 202]);
  expect(error).toBeInstanceOf(ProviderError);
  expect(error).toMatchObject({ kind: 'auth', status: 401 });
  expect(error.message).toContain('The provided authorization grant is invalid, expired, or revoked');
  // Nothing about the failure carries the key: not the message, the JSON, or what a logger prints.
  for (const text of [error.message, JSON.stringify(error), util.inspect(error, { depth: 10 }), String(error.stack)])
    expect(text).not.toContain('key-that-must-not-leak');
});

test('429: rate_limited after Retry-After, or until X-RateLimit-Reset (an epoch second) without it', async () => {
  fake.answerNext(
    rateLimited({ retryAfterSeconds: 30, resetAt: new Date(now.getTime() + 600_000) }),
    rateLimited({ resetAt: new Date(now.getTime() + 90_000) }),
  );
  const first = await failure(port().send(message(), { now }));
  const second = await failure(port().send(message(), { now }));
  expect(first).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterSeconds: 30 });
  expect(second).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterSeconds: 90 });
  expect(first.message).toContain('too many requests');
});

test('5xx and an unreachable host are unavailable (retried with backoff)', async () => {
  fake.answerNext({ status: 503 }, { status: 500, body: { errors: [{ message: 'internal error', field: null }] } });
  expect(await failure(port().send(message(), { now }))).toMatchObject({ kind: 'unavailable', status: 503 });
  expect(await failure(port().send(message(), { now }))).toMatchObject({ kind: 'unavailable', status: 500 });
  // A port nobody listens on: the connection is refused, so nothing can have been sent.
  const closed = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    });
  });
  const refused = await failure(port({ api_base_url: `http://127.0.0.1:${closed}` }).send(message(), { now }));
  expect(refused).toMatchObject({ kind: 'unavailable', code: 'ECONNREFUSED' });
});

test('a call that times out has an unknown outcome: not a ProviderError, so it is never resent blindly', async () => {
  fake.answerNext({ status: 202, hang: true });
  const error = await failure(port({}, 200).send(message(), { now }));
  expect(error).toBeInstanceOf(SendgridOutcomeUnknown);
  expect(error).not.toBeInstanceOf(ProviderError);
});

test("400 on a recipient's address is invalid_recipient with SendGrid's message and field; others are rejected", async () => {
  const invalid = await failure(port().send(message({ to: [{ email: 'not-an-address' }] }), { now }));
  expect(fake.requests.at(-1)!.status).toBe(400);
  expect(invalid).toMatchObject({ kind: 'invalid_recipient', status: 400, code: 'personalizations.0.to.0.email' });
  expect(invalid.message).toBe(
    'SendGrid answered 400: Does not contain a valid address. (personalizations.0.to.0.email)',
  );
  fake.answerNext(badRequest('The from email does not contain a valid address.', 'from.email'));
  const rejected = await failure(port().send(message(), { now }));
  expect(rejected).toMatchObject({ kind: 'rejected', status: 400, code: 'from.email' });
});

test('a message for another org, or with nobody to send to, never reaches SendGrid', async () => {
  const other = message({ org_id: 'other', custom_args: { effect_key: 'x', org_id: 'other' } });
  expect(await failure(port().send(other, { now }))).toMatchObject({ kind: 'auth' });
  expect(await failure(port().send(message({ to: [] }), { now }))).toMatchObject({ kind: 'invalid_recipient' });
  expect(fake.requests).toEqual([]);
});

test('credentials: every problem by path, no value echoed; webhook URLs per org', () => {
  const attempt = () =>
    parseSendgridCredentials({
      api_key: 'sk_live_secret-value',
      from: { email: 'nope' },
      templates: { 'late-email': 'tmpl-1' },
      event_webhook_public_key: 'not-a-key-secret-value',
      api_base_url: 'ftp://x',
    });
  expect(attempt).toThrow(/api_key: expected a SendGrid API key/);
  expect(attempt).toThrow(/from\.email: .*event_webhook_public_key: expected the ECDSA P-256 public key/);
  expect(attempt).toThrow(/templates\.late-email: expected a dynamic template id/);
  expect(attempt).not.toThrow(/secret-value/);
  expect(credentials().event_webhook_public_key).toBe(publicKey);
  expect(sendgridWebhookUrls('https://arrears.example.test/', 'acme')).toEqual({
    events: 'https://arrears.example.test/webhooks/sendgrid/acme',
    inbound: 'https://arrears.example.test/webhooks/sendgrid-inbound/acme',
  });
});

test("the fake refuses what SendGrid refuses: each missing essential by SendGrid's field path", () => {
  const fields = (body: unknown) => validateMailSend(body).map((e) => e.field);
  expect(fields({})).toEqual(['personalizations', 'from', 'content']);
  expect(
    fields({
      personalizations: [{ to: [] }],
      from: { email: 'rent@acme.test' },
      content: [{ type: 'text/plain', value: '' }],
    }),
  ).toEqual(['personalizations.0.to', 'subject', 'content.0.value']);
  const templated = {
    personalizations: [{ to: [{ email: 'a@b.test' }] }],
    from: { email: 'rent@acme.test' },
    template_id: 'd-1',
  };
  expect(fields(templated)).toEqual([]);
  expect(fields({ ...templated, custom_args: { attempt: 2 } })).toEqual(['custom_args']);
});
