import { ProviderError, type SmsMessage, type VoiceMessage } from '../../ports/index.ts';
import { parseTwilioCredentials, type TwilioCredentials } from './credentials.ts';
import { twilioCallbackUrl, twilioIdempotencyToken, twilioPorts, voiceTwiml } from './ports.ts';
import { startTwilioFake, type TwilioFake } from './twilio-fake.ts';

// The SMS and voice ports through the real twilio SDK (its RequestClient, form encoding and
// error classes) against a local HTTP server speaking Twilio's REST contract. Nothing in the SDK
// is stubbed: the only difference from production is the base URL.
let fake: TwilioFake;
const now = new Date('2026-03-10T18:00:00Z');
const publicUrl = 'https://arrears.example.test';
const FROM = '+14155550100';
const SERVICE = `MG${'a'.repeat(32)}`;

beforeAll(async () => {
  fake = await startTwilioFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

const credentials = (extra: Partial<TwilioCredentials> = {}): TwilioCredentials => ({
  account_sid: fake.accountSid,
  auth_token: fake.authToken,
  from: FROM,
  api_base_url: fake.url,
  ...extra,
});
const ports = (extra: Partial<TwilioCredentials> = {}, timeoutMs?: number) =>
  twilioPorts(credentials(extra), { orgId: 'acme', publicUrl, timeoutMs });
const base = { org_id: 'acme', lease_id: 'L1', content_sha256: 'c'.repeat(64) };
const text = (key = 'L1:late-sms:2026-03-07'): SmsMessage => ({
  ...base,
  key,
  to: '+14155550101',
  body: 'Rent of $1,800.00 is 3 days late. Pay: https://pay.test/L1',
});
const call = (say = 'Please call us about your rent.'): VoiceMessage => ({
  ...base,
  key: 'L1:agent-call:2026-03-01',
  to: '+14155550101',
  say,
  voicemail: say,
});
async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

test('an SMS is one Messages create with exactly To, From, Body and the signed-back StatusCallback', async () => {
  const delivery = await ports().sms.send(text(), { now });
  expect(fake.requests).toHaveLength(1);
  const [request] = fake.requests;
  expect(request).toMatchObject({ resource: 'Messages', accountSid: fake.accountSid, authorized: true });
  expect(request!.form).toEqual({
    To: '+14155550101',
    From: FROM,
    Body: 'Rent of $1,800.00 is 3 days late. Pay: https://pay.test/L1',
    StatusCallback: 'https://arrears.example.test/webhooks/twilio/acme?effect=L1%3Alate-sms%3A2026-03-07',
  });
  expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(request!.headers['i-twilio-idempotency-token']).toBe(
    twilioIdempotencyToken('acme', 'L1:late-sms:2026-03-07', 'sms'),
  );
  expect(delivery).toEqual({
    provider: 'twilio',
    provider_message_id: expect.stringMatching(/^SM[0-9a-f]{32}$/),
    status: 'accepted',
  });
});

test('with a Messaging Service the sender is MessagingServiceSid, not From', async () => {
  await ports({ messaging_service_sid: SERVICE }).sms.send(text(), { now });
  expect(fake.requests[0]!.form).toEqual({
    To: '+14155550101',
    MessagingServiceSid: SERVICE,
    Body: expect.any(String),
    StatusCallback: expect.stringContaining('/webhooks/twilio/acme?effect='),
  });
});

test('a call speaks escaped inline TwiML after answering-machine detection, with status events', async () => {
  const delivery = await ports().voice.send(call('Rent <overdue> & "late" fees'), { now });
  expect(fake.requests[0]).toMatchObject({ resource: 'Calls', authorized: true });
  expect(fake.requests[0]!.form).toEqual({
    To: '+14155550101',
    From: FROM,
    Twiml:
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Rent &lt;overdue&gt; &amp; "late" fees</Say></Response>',
    MachineDetection: 'DetectMessageEnd',
    StatusCallback: 'https://arrears.example.test/webhooks/twilio/acme?effect=L1%3Aagent-call%3A2026-03-01',
    StatusCallbackMethod: 'POST',
    StatusCallbackEvent: ['answered', 'completed'],
  });
  expect(fake.requests[0]!.headers['i-twilio-idempotency-token']).toBe(
    twilioIdempotencyToken('acme', 'L1:agent-call:2026-03-01', 'voice'),
  );
  expect(delivery).toMatchObject({ provider: 'twilio', provider_message_id: expect.stringMatching(/^CA/) });
});

test('the voicemail text is what a call says when it differs from the live script', () => {
  expect(voiceTwiml({ say: 'Hi Ana, about lease L1', voicemail: 'Please call Acme Rentals' })).toContain(
    '<Say>Please call Acme Rentals</Say>',
  );
});

test('a wrong auth token is an auth failure (401, Twilio 20003) that never names the token', async () => {
  const wrong = 'f'.repeat(32);
  const error = await failure(ports({ auth_token: wrong }).sms.send(text(), { now }));
  expect(error).toMatchObject({ kind: 'auth', provider: 'twilio', status: 401, code: '20003' });
  expect(fake.requests[0]!.authorized).toBe(false);
  expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(wrong);
});

test('429 is rate_limited with the Retry-After seconds; without the header the runner picks the wait', async () => {
  fake.failNext({ status: 429, retryAfter: '120' }, { status: 429 });
  expect(await failure(ports().sms.send(text(), { now }))).toMatchObject({
    kind: 'rate_limited',
    status: 429,
    code: '20429',
    retryAfterSeconds: 120,
  });
  expect((await failure(ports().sms.send(text(), { now }))).retryAfterSeconds).toBeUndefined();
});

test('an HTTP-date Retry-After is counted from the injected now', async () => {
  fake.failNext({ status: 429, retryAfter: new Date(now.getTime() + 90_000).toUTCString() });
  expect((await failure(ports().voice.send(call(), { now }))).retryAfterSeconds).toBe(90);
});

test('500 and 503 are unavailable; every retry of one effect carries the same idempotency token', async () => {
  fake.failNext({ status: 500 }, { status: 503 });
  const port = ports().sms;
  expect(await failure(port.send(text(), { now }))).toMatchObject({ kind: 'unavailable', status: 500 });
  expect(await failure(port.send(text(), { now }))).toMatchObject({ kind: 'unavailable', status: 503 });
  await port.send(text(), { now });
  const tokens = new Set(fake.requests.map((r) => r.headers['i-twilio-idempotency-token']));
  expect(fake.requests).toHaveLength(3);
  expect(tokens.size).toBe(1);
});

test.each([
  [21211, 'invalid_recipient'],
  [21614, 'invalid_recipient'],
  [21217, 'invalid_recipient'],
  [21610, 'rejected'],
  [21606, 'rejected'],
] as const)('Twilio error %i is %s, with the code kept', async (code, kind) => {
  fake.failNext({ status: 400, code, message: `Twilio says ${code}` });
  expect(await failure(ports().sms.send(text(), { now }))).toMatchObject({
    kind,
    status: 400,
    code: String(code),
    message: `Twilio 400 (${code}): Twilio says ${code}`,
  });
});

test('a number that is not E.164 is refused before any request', async () => {
  expect(await failure(ports().sms.send({ ...text(), to: '' }, { now }))).toMatchObject({
    kind: 'invalid_recipient',
    code: 'no_phone',
  });
  expect(await failure(ports().voice.send({ ...call(), to: '415-555-0101' }, { now }))).toMatchObject({
    kind: 'invalid_recipient',
    code: 'not_e164',
  });
  expect(fake.requests).toEqual([]);
});

test('calls need a caller id: a Messaging Service alone cannot place them', async () => {
  const only = ports({ from: undefined, messaging_service_sid: SERVICE });
  expect(await failure(only.voice.send(call(), { now }))).toMatchObject({ kind: 'rejected', code: 'no_caller_id' });
  expect(fake.requests).toEqual([]);
});

test('nothing listening is unavailable; a request that left and got no answer is not a ProviderError', async () => {
  const gone = await startTwilioFake(fake.accountSid, fake.authToken);
  await gone.close();
  const down = twilioPorts({ ...credentials(), api_base_url: gone.url }, { orgId: 'acme', publicUrl });
  expect(await failure(down.sms.send(text(), { now }))).toMatchObject({ kind: 'unavailable', code: 'ECONNREFUSED' });

  // Twilio may have created the message: the runner must mark it unconfirmed, not send again.
  fake.failNext({ hang: true });
  const lost = await ports({}, 300)
    .sms.send(text(), { now })
    .catch((e: unknown) => e);
  expect(lost).toBeInstanceOf(Error);
  expect(lost).not.toBeInstanceOf(ProviderError);
  expect((lost as Error).message).toMatch(/did not answer/);
});

test('credentials: sids, E.164 and a sender are checked; problems name paths, never values', () => {
  const token = 'secret-token-value-1234';
  expect(() => parseTwilioCredentials({ account_sid: 'nope', auth_token: token })).toThrow(/account_sid: expected AC/);
  expect(() => parseTwilioCredentials({ account_sid: 'nope', auth_token: token })).not.toThrow(token);
  expect(() => parseTwilioCredentials({ account_sid: fake.accountSid, auth_token: token })).toThrow(
    /from: from or messaging_service_sid is required/,
  );
  expect(() => parseTwilioCredentials({ account_sid: fake.accountSid, auth_token: token, from: '4155550100' })).toThrow(
    /from: expected an E.164 number/,
  );
  expect(
    parseTwilioCredentials({
      account_sid: fake.accountSid,
      auth_token: token,
      from: FROM,
      api_base_url: `${fake.url}/`,
    }),
  ).toMatchObject({ api_base_url: fake.url });
});

test('the callback URL encodes the org and the effect key', () => {
  expect(twilioCallbackUrl('https://a.test/', 'acme', 'L1:x#2 y')).toBe(
    'https://a.test/webhooks/twilio/acme?effect=L1%3Ax%232%20y',
  );
});

// Status re-fetches: the worker reads a reported message or call back from Twilio
// (webhooks/process.ts) and acts on that, mapped as the status callback would be.
test('a message status is fetched with one GET and mapped as its callback would be', async () => {
  const port = ports().sms;
  const { provider_message_id: messageSid } = await port.send(text(), { now });
  expect(await port.fetchStatus!(messageSid, { now })).toEqual({ status: 'queued' });
  fake.setStatus(messageSid, 'undelivered', { error_code: 30003 });
  expect(await port.fetchStatus!(messageSid, { now })).toEqual({ status: 'undelivered', reason: '30003' });
  fake.setStatus(messageSid, 'read', { error_code: null });
  expect(await port.fetchStatus!(messageSid, { now })).toEqual({ status: 'opened' });
  const reads = fake.requests.filter((r) => r.method === 'GET');
  expect(reads).toHaveLength(3);
  expect(reads[0]).toMatchObject({ resource: 'Messages', sid: messageSid, authorized: true, form: {} });
  // A read is not a create: no idempotency token.
  expect(reads[0]!.headers['i-twilio-idempotency-token']).toBeUndefined();
});

test.each([
  ['completed', 'human', { status: 'answered' }],
  ['completed', 'machine_end_beep', { status: 'voicemail', reason: 'machine_end_beep' }],
  ['completed', null, { status: 'answered' }],
  ['in-progress', 'machine_end_silence', { status: 'voicemail', reason: 'machine_end_silence' }],
  ['no-answer', null, { status: 'no_answer' }],
  ['busy', null, { status: 'busy' }],
  ['canceled', null, { status: 'failed' }],
  ['ringing', null, { status: 'queued' }],
] as const)('a call fetched %s (answered by %s) is %o', async (status, answeredBy, expected) => {
  const port = ports().voice;
  const { provider_message_id: callSid } = await port.send(call(), { now });
  fake.setStatus(callSid, status, { answered_by: answeredBy });
  expect(await port.fetchStatus!(callSid, { now })).toEqual(expected);
  expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', resource: 'Calls', sid: callSid });
});

test('a fetch fails by kind: unknown sid 404 rejected, 429 and 503 retryable, a wrong token auth', async () => {
  const port = ports().sms;
  const unknown = `SM${'0'.repeat(32)}`;
  expect(await failure(port.fetchStatus!(unknown, { now }))).toMatchObject({
    kind: 'rejected',
    status: 404,
    code: '20404',
  });
  // A call's sid is not a message's.
  const { provider_message_id: callSid } = await ports().voice.send(call(), { now });
  expect(await failure(port.fetchStatus!(callSid, { now }))).toMatchObject({ kind: 'rejected', status: 404 });
  const { provider_message_id: messageSid } = await port.send(text(), { now });
  fake.failNextFetch({ status: 429, retryAfter: '7' }, { status: 503 });
  expect(await failure(port.fetchStatus!(messageSid, { now }))).toMatchObject({
    kind: 'rate_limited',
    retryAfterSeconds: 7,
  });
  expect(await failure(port.fetchStatus!(messageSid, { now }))).toMatchObject({ kind: 'unavailable', status: 503 });
  expect(await failure(ports({ auth_token: 'f'.repeat(32) }).sms.fetchStatus!(messageSid, { now }))).toMatchObject({
    kind: 'auth',
    status: 401,
  });
  expect(await port.fetchStatus!(messageSid, { now })).toEqual({ status: 'queued' });
});

test('a fetch whose answer is lost is unavailable (a read can be repeated); an unmapped status is rejected', async () => {
  const port = ports({}, 300).sms;
  const { provider_message_id: messageSid } = await port.send(text(), { now });
  fake.failNextFetch({ hang: true });
  expect(await failure(port.fetchStatus!(messageSid, { now }))).toMatchObject({ kind: 'unavailable' });
  fake.setStatus(messageSid, 'partially_delivered');
  expect(await failure(port.fetchStatus!(messageSid, { now }))).toMatchObject({
    kind: 'rejected',
    code: 'unmapped_status',
    message: expect.stringContaining('partially_delivered'),
  });
});
