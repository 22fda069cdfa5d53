import twilio from 'twilio';
import { WebhookRejected, type SignedRequest } from '../scheme.ts';
import { candidateUrls, twilioScheme } from './twilio.ts';

// The Twilio verifier against signatures made by the twilio SDK's own helpers (the code Twilio
// publishes for exactly this), and the parser over the payload shapes Twilio posts.
const TOKEN = '0123456789abcdef0123456789abcdef';
const now = new Date('2026-03-10T18:00:00Z');
const URL_ = 'https://arrears.example.test/webhooks/twilio/acme';
const CALLBACK = `${URL_}?effect=L1%3Alate-sms%3A2026-03-07`;
const SM = `SM${'1'.repeat(32)}`;
const CA = `CA${'2'.repeat(32)}`;
const AC = `AC${'3'.repeat(32)}`;

type Params = Record<string, string | string[]>;
function encode(params: Params): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return body.toString();
}
/** A request as the ingress builds it, signed by the SDK for `signedUrl`. */
function signed(params: Params, url = URL_, options: { token?: string; signedUrl?: string; body?: string } = {}) {
  const signature = twilio.getExpectedTwilioSignature(options.token ?? TOKEN, options.signedUrl ?? url, params);
  const request: SignedRequest = {
    rawBody: Buffer.from(options.body ?? encode(params)),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    url,
  };
  return request;
}
/** The verifier's verdict; `secret` given explicitly (even undefined) replaces the org's token. */
function rejection(request: SignedRequest, ...secret: [string | undefined] | []): string {
  try {
    twilioScheme.verify(request, secret.length ? secret[0] : TOKEN, now);
  } catch (error) {
    if (error instanceof WebhookRejected) return error.reason;
    throw error;
  }
  return 'accepted';
}
const parse = (params: Params, url = URL_) => twilioScheme.parse(signed(params, url));

const inbound = (body: string): Params => ({
  ToCountry: 'US',
  ToState: 'CA',
  SmsMessageSid: SM,
  NumMedia: '0',
  ToCity: 'SAN FRANCISCO',
  FromZip: '94105',
  SmsSid: SM,
  FromState: 'CA',
  SmsStatus: 'received',
  FromCity: 'SAN FRANCISCO',
  Body: body,
  FromCountry: 'US',
  To: '+14155550100',
  ToZip: '94105',
  NumSegments: '1',
  MessageSid: SM,
  AccountSid: AC,
  From: '+14155550101',
  ApiVersion: '2010-04-01',
});
const messageStatus = (status: string, extra: Params = {}): Params => ({
  SmsSid: SM,
  SmsStatus: status,
  MessageStatus: status,
  To: '+14155550101',
  MessageSid: SM,
  AccountSid: AC,
  From: '+14155550100',
  ApiVersion: '2010-04-01',
  ...extra,
});
const callStatus = (status: string, extra: Params = {}): Params => ({
  AccountSid: AC,
  ApiVersion: '2010-04-01',
  CallSid: CA,
  CallStatus: status,
  Called: '+14155550101',
  Caller: '+14155550100',
  Direction: 'outbound-api',
  From: '+14155550100',
  To: '+14155550101',
  Timestamp: 'Tue, 10 Mar 2026 18:00:05 +0000',
  ...extra,
});

test('an SMS signed by the twilio SDK is accepted, and the SDK agrees with our verdicts', () => {
  const params = inbound("Stop! I'll pay 50% + more & soon, é 👍");
  const request = signed(params);
  expect(rejection(request)).toBe('accepted');
  const sdk = (r: SignedRequest, p: Params) =>
    twilio.validateRequest(TOKEN, r.headers['x-twilio-signature']!, r.url, p);
  expect(sdk(request, params)).toBe(true);
  const forged = signed(params, URL_, { token: 'f'.repeat(32) });
  expect(rejection(forged)).toBe('bad_signature');
  expect(sdk(forged, params)).toBe(false);
});

test('forged, altered after signing, unsigned and secret-less requests are refused', () => {
  const params = messageStatus('undelivered', { ErrorCode: '30003' });
  expect(rejection(signed(params, CALLBACK, { token: 'not-the-token-at-all-000000000000' }))).toBe('bad_signature');
  // Body altered after signing: a delivered report turned into a failure.
  const altered = signed(params, CALLBACK, { body: encode({ ...params, MessageStatus: 'delivered' }) });
  expect(rejection(altered)).toBe('bad_signature');
  // The effect key is inside the signature: pointing a report at another effect fails.
  const moved = signed(params, `${URL_}?effect=L9%3Aother`, { signedUrl: CALLBACK });
  expect(rejection(moved)).toBe('bad_signature');
  const unsigned = signed(params, CALLBACK);
  delete unsigned.headers['x-twilio-signature'];
  expect(rejection(unsigned)).toBe('missing_signature');
  expect(rejection(signed(params, CALLBACK), undefined)).toBe('missing_secret');
  expect(rejection(signed(params, CALLBACK), '')).toBe('missing_secret');
  const short = signed(params, CALLBACK);
  short.headers['x-twilio-signature'] = 'abc';
  expect(rejection(short)).toBe('bad_signature');
});

test('the port quirk: a signature over the URL with :443 verifies without it, and the other way round', () => {
  const params = messageStatus('delivered');
  const withPort = 'https://arrears.example.test:443/webhooks/twilio/acme?effect=L1';
  const withoutPort = 'https://arrears.example.test/webhooks/twilio/acme?effect=L1';
  expect(rejection(signed(params, withoutPort, { signedUrl: withPort }))).toBe('accepted');
  expect(rejection(signed(params, withPort, { signedUrl: withoutPort }))).toBe('accepted');
  // A different, explicit port is a different URL.
  expect(rejection(signed(params, withoutPort, { signedUrl: withPort.replace(':443', ':8443') }))).toBe(
    'bad_signature',
  );
});

test('candidate URLs keep userinfo, IPv6 literals and explicit ports', () => {
  expect(candidateUrls('http://[::1]:3000/w?x=1')).toEqual(['http://[::1]:3000/w?x=1', 'http://[::1]/w?x=1']);
  expect(candidateUrls('https://u:p@h.test/w')).toEqual(['https://u:p@h.test/w', 'https://u:p@h.test:443/w']);
});

test('repeated parameter names sign as the SDK signs them', () => {
  const params = { ...messageStatus('sent'), Extra: ['b', 'a', 'b'] };
  expect(rejection(signed(params, CALLBACK))).toBe('accepted');
});

test('an inbound SMS is an inbound message keyed by its MessageSid', () => {
  expect(parse(inbound('STOP'))).toEqual([
    {
      kind: 'inbound_message',
      id: SM,
      provider: 'twilio',
      channel: 'sms',
      from: '+14155550101',
      to: '+14155550100',
      body: 'STOP',
    },
  ]);
});

test('a message status callback is a delivery report for the effect named in the signed URL', () => {
  expect(parse(messageStatus('undelivered', { ErrorCode: '30003' }), CALLBACK)).toEqual([
    {
      kind: 'delivery_status',
      id: `${SM}:undelivered`,
      provider: 'twilio',
      provider_message_id: SM,
      effect_key: 'L1:late-sms:2026-03-07',
      status: 'undelivered',
      reason: '30003',
    },
  ]);
  const statuses = ['queued', 'sent', 'delivered', 'failed'].map((s) => parse(messageStatus(s), CALLBACK)[0]);
  expect(statuses.map((e) => e && 'status' in e && e.status)).toEqual(['queued', 'sent', 'delivered', 'failed']);
  // Without an effect parameter (a number configured by hand) the report matches by sid.
  expect(parse(messageStatus('delivered'))[0]).not.toHaveProperty('effect_key');
});

test.each([
  ['completed', 'human', 'answered', undefined],
  ['completed', 'machine_end_beep', 'voicemail', 'machine_end_beep'],
  ['in-progress', 'machine_end_silence', 'voicemail', 'machine_end_silence'],
  ['completed', 'unknown', 'answered', undefined],
  ['completed', 'fax', 'failed', 'fax'],
  ['completed', undefined, 'answered', undefined],
  ['no-answer', undefined, 'no_answer', undefined],
  ['busy', undefined, 'busy', undefined],
  ['failed', undefined, 'failed', undefined],
  ['canceled', undefined, 'failed', undefined],
])('a call that ends %s (answered by %s) is %s', (callState, answeredBy, status, reason) => {
  const params = callStatus(callState, answeredBy ? { AnsweredBy: answeredBy } : {});
  const [event] = parse(params, `${URL_}?effect=L1%3Aagent-call%3A2026-03-01`);
  expect(event).toEqual({
    kind: 'delivery_status',
    id: `${CA}:${callState}`,
    provider: 'twilio',
    provider_message_id: CA,
    effect_key: 'L1:agent-call:2026-03-01',
    status,
    ...(reason ? { reason } : {}),
    occurred_at: '2026-03-10T18:00:05.000Z',
  });
});

test('anything else is malformed', () => {
  const malformed = (params: Params) => {
    try {
      parse(params);
    } catch (error) {
      return error instanceof WebhookRejected ? error.reason : 'other';
    }
    return 'parsed';
  };
  expect(malformed({})).toBe('malformed');
  expect(malformed({ Foo: 'bar' })).toBe('malformed');
  expect(malformed(messageStatus('teleported'))).toBe('malformed');
  expect(malformed(callStatus('exploded'))).toBe('malformed');
  expect(malformed({ ...inbound('hi'), MessageSid: 'not-a-sid', SmsSid: 'not-a-sid' })).toBe('malformed');
  expect(malformed({ CallSid: CA })).toBe('malformed');
});

test('a verified delivery is answered with an empty TwiML response', () => {
  expect(twilioScheme.acknowledgement).toEqual({
    contentType: 'text/xml',
    body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
  });
});
