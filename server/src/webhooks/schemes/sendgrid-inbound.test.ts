import crypto from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { inboundParsePost, sendgridSigner, type InboundAttachment } from '../../providers/sendgrid/webhook-signer.ts';
import { WebhookRejected, type InboundMessageEvent, type SignedRequest } from '../scheme.ts';
import { sendgridInboundScheme } from './sendgrid-inbound.ts';

// Inbound Parse with a signature security policy: the raw multipart bytes are verified with the
// policy's public key, then the post becomes one email reply from the tenant.
const now = new Date('2026-03-10T19:00:00Z');
const signer = sendgridSigner();

/** A reply as SendGrid's parsed format posts it, from Gmail, quoting our notice. */
const reply = (over: Record<string, string | Buffer> = {}): Record<string, string | Buffer> => ({
  headers: [
    'Received: by mx0047p1mdw1.sendgrid.net with SMTP id 6WCVv7KAWn Tue, 10 Mar 2026 19:00:01 +0000 (UTC)',
    'Received: from mail-yw1-f176.google.com (mail-yw1-f176.google.com [209.85.128.176])',
    '\tby mx0047p1mdw1.sendgrid.net (Postfix) with ESMTPS id 2F1B0A0281',
    '\tfor <replies@parse.acme.test>; Tue, 10 Mar 2026 19:00:01 +0000 (UTC)',
    'MIME-Version: 1.0',
    'From: "Tenant, T1" <T1@Tenant.test>',
    'Date: Tue, 10 Mar 2026 11:59:58 -0700',
    'Message-ID:',
    ' <CAKx9J=2nXq5+abc@mail.gmail.com>',
    'Subject: Re: Late email',
    'To: Acme Rentals <replies@parse.acme.test>',
    'Content-Type: multipart/alternative; boundary="000000000000a1b2c3"',
    '',
  ].join('\n'),
  dkim: '{@tenant.test : pass}',
  'content-ids': '{}',
  to: 'Acme Rentals <replies@parse.acme.test>',
  html: '<div dir="ltr">unsubscribe</div><blockquote>Balance $1,800.00</blockquote>',
  from: '"Tenant, T1" <T1@Tenant.test>',
  text: [
    'unsubscribe',
    '',
    'On Tue, Mar 10, 2026 at 11:00 AM Acme Rentals <',
    'rent@acme.test> wrote:',
    '',
    '> [late-email] Lease L1: balance $1,800.00.',
    '',
  ].join('\n'),
  sender_ip: '209.85.128.176',
  spam_report: 'Spam detection software has NOT identified this incoming email as spam.',
  envelope: '{"to":["replies@parse.acme.test"],"from":"t1@tenant.test"}',
  attachments: '1',
  subject: 'Re: Late email',
  spam_score: '0.1',
  'attachment-info': '{"attachment1":{"filename":"receipt.pdf","name":"receipt.pdf","type":"application/pdf"}}',
  charsets: '{"to":"UTF-8","html":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"UTF-8"}',
  SPF: 'pass',
  ...over,
});
// Every byte value, invalid UTF-8 included: a string-based verifier would corrupt these.
const pdf: InboundAttachment = {
  filename: 'receipt.pdf',
  type: 'application/pdf',
  content: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]),
};
const toRequest = (post: { body: Buffer; headers: Record<string, string> }): SignedRequest => ({
  rawBody: post.body,
  headers: post.headers,
  url: 'https://arrears.example.test/webhooks/sendgrid-inbound/acme',
});
const outcome = (fn: () => unknown): unknown => {
  try {
    return fn();
  } catch (error) {
    if (error instanceof WebhookRejected) return error.reason;
    throw error;
  }
};
const verify = (r: SignedRequest, key: string | undefined, at = now) =>
  outcome(() => sendgridInboundScheme.verify(r, key, at)) ?? 'accepted';

test('a signed reply with a binary attachment verifies over the raw bytes; forgeries and replays do not', () => {
  const post = inboundParsePost(signer, reply(), now, [pdf]);
  const signed = toRequest(post);
  expect(verify(signed, signer.publicKey)).toBe('accepted');
  // Why node:crypto and not @sendgrid/eventwebhook here: it verifies a UTF-8 string of the body,
  // which differs from the signed bytes as soon as an attachment is binary.
  const sdk = new EventWebhook();
  const [signature, timestamp] = [
    post.headers['x-twilio-email-event-webhook-signature']!,
    post.headers['x-twilio-email-event-webhook-timestamp']!,
  ];
  expect(sdk.verifySignature(sdk.convertPublicKeyToECDSA(signer.publicKey), post.body, signature, timestamp)).toBe(
    false,
  );

  const forged = toRequest(inboundParsePost(sendgridSigner(), reply(), now, [pdf]));
  expect(verify(forged, signer.publicKey)).toBe('bad_signature');
  const altered = Buffer.from(post.body);
  altered[altered.indexOf('unsubscribe')] = 'U'.charCodeAt(0);
  expect(verify({ ...signed, rawBody: altered }, signer.publicKey)).toBe('bad_signature');
  // SendGrid retries a failed post for up to 3 days: a late retry is still a genuine reply.
  expect(verify(signed, signer.publicKey, new Date(now.getTime() + 3 * 86_400_000))).toBe('accepted');
  expect(verify(signed, signer.publicKey, new Date(now.getTime() + 4 * 86_400_000))).toBe('stale_timestamp');
  expect(verify(signed, signer.publicKey, new Date(now.getTime() - 301_000))).toBe('stale_timestamp');
  expect(verify(toRequest(inboundParsePost(undefined, reply(), now)), signer.publicKey)).toBe('missing_signature');
  expect(verify(signed, undefined)).toBe('missing_secret');
});

test('parsed: the bare sender address, the parse address, the reply without its quote, the Message-ID', () => {
  const events = sendgridInboundScheme.parse(toRequest(inboundParsePost(signer, reply(), now, [pdf])));
  expect(events).toEqual([
    {
      kind: 'inbound_message',
      id: '<CAKx9J=2nXq5+abc@mail.gmail.com>',
      provider: 'sendgrid',
      channel: 'email',
      from: 'T1@Tenant.test',
      to: 'replies@parse.acme.test',
      body: 'unsubscribe',
      occurred_at: '2026-03-10T18:59:58.000Z',
      sender_verified: true,
      sender_check: 'from tenant.test: spf=pass (tenant.test), dkim=pass (tenant.test)',
    },
  ]);
});

test("each field is decoded in the charset SendGrid names for it; Outlook's quote is cut too", () => {
  const text = Buffer.concat([
    Buffer.from('Je paierai vendredi '),
    Buffer.from([0x96]), // an en dash in windows-1252
    Buffer.from(' merci\r\n\r\n-----Original Message-----\r\nFrom: Acme Rentals\r\nSent: Tuesday\r\n'),
  ]);
  const charsets = '{"to":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"windows-1252"}';
  const [event] = sendgridInboundScheme.parse(
    toRequest(inboundParsePost(signer, reply({ text, charsets, from: 'Amélie <amelie@tenant.test>' }), now)),
  );
  expect(event).toMatchObject({ from: 'amelie@tenant.test', body: 'Je paierai vendredi – merci' });
});

test('a large attachment before the remaining fields is skipped without losing them', () => {
  const big = { ...pdf, content: crypto.randomBytes(3 * 1024 * 1024) };
  const [event] = sendgridInboundScheme.parse(toRequest(inboundParsePost(signer, reply(), now, [big, pdf])));
  expect(event).toMatchObject({ body: 'unsubscribe', to: 'replies@parse.acme.test' });
});

test('no Message-ID: the post hashes to its id; a reply that is only a quote says it in the subject', () => {
  const fields = reply({
    headers: 'From: t1@tenant.test\nSubject: Re: STOP\n',
    text: '> [late-email] Lease L1: balance $1,800.00.\n',
    subject: 'Re: STOP',
    from: 't1@tenant.test',
  });
  const post = inboundParsePost(signer, fields, now);
  const [event] = sendgridInboundScheme.parse(toRequest(post));
  expect(event).toMatchObject({
    id: `sha256:${crypto.createHash('sha256').update(post.body).digest('hex')}`,
    from: 't1@tenant.test',
    body: 'STOP',
  });
});

test('raw MIME posts, non-multipart bodies and posts without addresses are malformed', () => {
  const raw = inboundParsePost(
    signer,
    { email: 'From: t1@tenant.test\r\n\r\nSTOP', to: 'replies@parse.acme.test' },
    now,
  );
  expect(outcome(() => sendgridInboundScheme.parse(toRequest(raw)))).toBe('malformed');
  const json = { body: Buffer.from('{"from":"t1@tenant.test"}'), headers: { 'content-type': 'application/json' } };
  expect(outcome(() => sendgridInboundScheme.parse(toRequest(json)))).toBe('malformed');
  const nobody = inboundParsePost(signer, { text: 'STOP', subject: 'STOP' }, now);
  expect(outcome(() => sendgridInboundScheme.parse(toRequest(nobody)))).toBe('malformed');
});

test('only an authenticated From domain is verified: DKIM for it, or SPF for an aligned envelope sender', () => {
  const parsed = (over: Record<string, string>) => {
    const [event] = sendgridInboundScheme.parse(toRequest(inboundParsePost(signer, reply(over), now)));
    return (event as InboundMessageEvent).sender_verified;
  };
  const envelope = (from: string) => `{"to":["replies@parse.acme.test"],"from":"${from}"}`;
  // SendGrid's verdicts for the tenant's own domain.
  expect(parsed({})).toBe(true);
  expect(parsed({ SPF: 'softfail' })).toBe(true);
  expect(parsed({ dkim: '{@gmail.com : pass, @tenant.test : pass}', SPF: 'none' })).toBe(true);
  expect(parsed({ dkim: '{@mail.tenant.test : pass}', SPF: 'fail' })).toBe(true);
  expect(parsed({ dkim: '', SPF: 'pass' })).toBe(true);
  // A forger: their own server passes SPF and DKIM, for their own domain, under the tenant's From.
  expect(parsed({ dkim: '{@evil.test : pass}', SPF: 'pass', envelope: envelope('bounce@evil.test') })).toBe(false);
  expect(parsed({ dkim: '{@tenant.test : fail}', SPF: 'fail' })).toBe(false);
  expect(parsed({ dkim: '{@tenant.test.evil.test : pass}', SPF: 'neutral' })).toBe(false);
  expect(parsed({ dkim: 'none', SPF: 'softfail' })).toBe(false);
  // No verdicts at all (a post without them, or SPF with no envelope sender to name): unverified.
  const bare = reply({ SPF: 'pass', dkim: '', envelope: '{"to":["replies@parse.acme.test"]}' });
  const [event] = sendgridInboundScheme.parse(toRequest(inboundParsePost(signer, bare, now)));
  expect(event).toMatchObject({ sender_verified: false, sender_check: 'from tenant.test: spf=pass, dkim=none' });
});

test('a Message-ID too long to be a key becomes its hash; 200 characters stay as they are', () => {
  const id = (messageId: string) => {
    const headers = `From: t1@tenant.test\nMessage-ID: ${messageId}\n`;
    return sendgridInboundScheme.parse(toRequest(inboundParsePost(signer, reply({ headers }), now)))[0]!.id;
  };
  const long = `<${'a'.repeat(8_000)}@mail.gmail.com>`;
  expect(id(long)).toBe(`sha256:${crypto.createHash('sha256').update(long).digest('hex')}`);
  const fits = `<${'b'.repeat(183)}@mail.gmail.com>`;
  expect(fits).toHaveLength(200);
  expect(id(fits)).toBe(fits);
});
