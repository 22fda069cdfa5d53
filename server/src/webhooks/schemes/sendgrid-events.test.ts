import crypto from 'node:crypto';
import { eventWebhookPost, sendgridEvent, sendgridSigner } from '../../providers/sendgrid/webhook-signer.ts';
import { WebhookRejected, type SignedRequest } from '../scheme.ts';
import { sendgridEventsScheme } from './sendgrid-events.ts';

// The Signed Event Webhook: ECDSA over timestamp + raw body, checked with the account's public
// key, then each event becomes a delivery report for the effect named in its custom args.
const now = new Date('2026-03-10T19:00:00Z');
const signer = sendgridSigner();
const sent = {
  message_id: 'Ua9Gk4BnQMqpIoUQcZ2oNg',
  email: 't1@tenant.test',
  custom_args: { effect_key: 'L1:e', org_id: 'acme' },
};

const request = (body: string, headers: SignedRequest['headers']): SignedRequest => ({
  rawBody: Buffer.from(body),
  headers,
  url: 'https://arrears.example.test/webhooks/sendgrid/acme',
});
const refusal = (fn: () => void): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookRejected) return error.reason;
    throw error;
  }
  return 'accepted';
};
const verify = (r: SignedRequest, at = now) => refusal(() => sendgridEventsScheme.verify(r, signer.publicKey, at));
const verifyWith = (r: SignedRequest, key: string | undefined, at = now) =>
  refusal(() => sendgridEventsScheme.verify(r, key, at));

test("SendGrid's own published signature (the SDK's test vector) verifies over the exact bytes", () => {
  // From @sendgrid/eventwebhook's spec: a real key, payload and signature, CRLF included.
  const publicKey =
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==';
  const signature = 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=';
  const payload =
    JSON.stringify([
      {
        email: 'hello@world.com',
        event: 'dropped',
        reason: 'Bounced Address',
        sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
        sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
        'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
        timestamp: 1600112492,
      },
    ]) + '\r\n';
  const signed = request(payload, {
    'x-twilio-email-event-webhook-signature': signature,
    'x-twilio-email-event-webhook-timestamp': '1600112502',
  });
  const then = new Date(1600112502_000);
  expect(verifyWith(signed, publicKey, then)).toBe('accepted');
  expect(verifyWith(request(payload.trim(), signed.headers), publicKey, then)).toBe('bad_signature');
  expect(sendgridEventsScheme.parse(signed)).toEqual([
    {
      kind: 'delivery_status',
      id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
      provider: 'sendgrid',
      provider_message_id: 'LRzXl_NHStOGhQ4kofSm_A',
      status: 'dropped',
      reason: 'Bounced Address',
      occurred_at: '2020-09-14T19:41:32.000Z',
    },
  ]);
});

test('signed with a generated P-256 key: accepted within ±300 s; forged, altered, stale, unsigned and key-less refused', () => {
  const { body, headers } = eventWebhookPost(signer, [sendgridEvent('delivered', sent, {}, now)], now);
  expect(verify(request(body, headers))).toBe('accepted');
  expect(verify(request(body, headers), new Date(now.getTime() + 299_000))).toBe('accepted');
  expect(verify(request(body, headers), new Date(now.getTime() + 301_000))).toBe('stale_timestamp');
  expect(verify(request(body, headers), new Date(now.getTime() - 301_000))).toBe('stale_timestamp');
  const forged = eventWebhookPost(sendgridSigner(), [sendgridEvent('delivered', sent, {}, now)], now);
  expect(verify(request(forged.body, forged.headers))).toBe('bad_signature');
  expect(verify(request(body.replace('delivered', 'bounce'), headers))).toBe('bad_signature');
  // The timestamp is inside the signed bytes: moving it to look fresh breaks the signature.
  const moved = {
    ...headers,
    'x-twilio-email-event-webhook-timestamp': String(Number(headers['x-twilio-email-event-webhook-timestamp']) + 1),
  };
  expect(verify(request(body, moved))).toBe('bad_signature');
  expect(verify(request(body, { ...headers, 'x-twilio-email-event-webhook-signature': 'not base64 DER' }))).toBe(
    'bad_signature',
  );
  expect(verify(request(body, { 'content-type': 'application/json' }))).toBe('missing_signature');
  // A timestamp header that is there but not whole Unix seconds is a bad timestamp, not a missing signature.
  const t = headers['x-twilio-email-event-webhook-timestamp']!;
  for (const bad of ['yesterday', `${t}.5`, '-5', `-${t}`, `${t}000`, ' '])
    expect([bad, verify(request(body, { ...headers, 'x-twilio-email-event-webhook-timestamp': bad }))]).toEqual([
      bad,
      'bad_timestamp',
    ]);
  expect(verifyWith(request(body, headers), undefined)).toBe('missing_secret');
  expect(verifyWith(request(body, headers), 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE')).toBe('missing_secret');
});

test('each event type becomes its delivery status, with the effect key, message id and failure reason', () => {
  const events = [
    sendgridEvent('processed', sent, { sg_event_id: 'e-processed' }, now),
    sendgridEvent('deferred', sent, { sg_event_id: 'e-deferred', response: '400 try again later', attempt: '1' }, now),
    sendgridEvent('delivered', sent, { sg_event_id: 'e-delivered', response: '250 OK' }, now),
    sendgridEvent(
      'bounce',
      sent,
      {
        sg_event_id: 'e-bounce',
        type: 'bounce',
        status: '5.1.1',
        reason: '550 5.1.1 unknown user',
        bounce_classification: 'Invalid Address',
      },
      now,
    ),
    sendgridEvent('bounce', sent, { sg_event_id: 'e-blocked', type: 'blocked', reason: '554 blocked by policy' }, now),
    sendgridEvent('dropped', sent, { sg_event_id: 'e-dropped', reason: 'Unsubscribed Address' }, now),
    sendgridEvent('open', sent, { sg_event_id: 'e-open', sg_machine_open: false }, now),
    sendgridEvent('click', sent, { sg_event_id: 'e-click', url: 'https://pay.test/L1' }, now),
    sendgridEvent('spamreport', sent, { sg_event_id: 'e-spam' }, now),
    sendgridEvent('unsubscribe', sent, { sg_event_id: 'e-unsub' }, now),
    sendgridEvent('group_unsubscribe', sent, { sg_event_id: 'e-group', asm_group_id: 42 }, now),
    // Nothing for Arrears to record: a resubscribe, an account event, a non-event.
    sendgridEvent('group_resubscribe', sent, { sg_event_id: 'e-resub' }, now),
    { event: 'account_status_change', type: 'compliance_suspend', sg_event_id: 'e-account', timestamp: 1 },
    'not an event',
  ];
  const { body, headers } = eventWebhookPost(signer, events as Record<string, unknown>[], now);
  const parsed = sendgridEventsScheme.parse(request(body, headers));
  const base = {
    kind: 'delivery_status',
    provider: 'sendgrid',
    provider_message_id: 'Ua9Gk4BnQMqpIoUQcZ2oNg',
    effect_key: 'L1:e',
    occurred_at: now.toISOString(),
  };
  expect(parsed).toEqual([
    { ...base, id: 'e-processed', status: 'queued' },
    { ...base, id: 'e-deferred', status: 'queued', reason: '400 try again later' },
    { ...base, id: 'e-delivered', status: 'delivered' },
    { ...base, id: 'e-bounce', status: 'bounced', reason: 'bounce: 550 5.1.1 unknown user' },
    { ...base, id: 'e-blocked', status: 'bounced', reason: 'blocked: 554 blocked by policy' },
    { ...base, id: 'e-dropped', status: 'dropped', reason: 'Unsubscribed Address' },
    { ...base, id: 'e-open', status: 'opened' },
    { ...base, id: 'e-click', status: 'clicked' },
    { ...base, id: 'e-spam', status: 'spam_report' },
    { ...base, id: 'e-unsub', status: 'unsubscribed' },
    { ...base, id: 'e-group', status: 'unsubscribed' },
  ]);
});

test('a body that is not a JSON array of events is malformed', () => {
  expect(refusal(() => sendgridEventsScheme.parse(request('{"event": "open"}', {})))).toBe('malformed');
  expect(refusal(() => sendgridEventsScheme.parse(request('[{"event": "open"', {})))).toBe('malformed');
  expect(sendgridEventsScheme.parse(request('[]', {}))).toEqual([]);
});

test('an sg_event_id too long to be a key is hashed (the same id, the same hash); the batch is not refused', () => {
  const long = 'x'.repeat(8_000);
  const batch = [
    sendgridEvent('open', sent, { sg_event_id: long }, now),
    sendgridEvent('open', sent, { sg_event_id: 'y'.repeat(200) }, now),
    sendgridEvent('delivered', sent, { sg_event_id: 'e-ok' }, now),
  ];
  const { body, headers } = eventWebhookPost(signer, batch, now);
  expect(sendgridEventsScheme.parse(request(body, headers)).map((e) => e.id)).toEqual([
    `sha256:${crypto.createHash('sha256').update(long).digest('hex')}`,
    'y'.repeat(200),
    'e-ok',
  ]);
});
