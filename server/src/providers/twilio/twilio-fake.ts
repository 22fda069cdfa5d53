import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local contract fake of the Twilio REST endpoints Arrears calls, for tests: a real HTTP
 * server the real SDK talks to (through `api_base_url`), so form encoding, Basic auth, error
 * bodies and headers are exercised exactly as against api.twilio.com. Not shipped behaviour.
 *
 *   POST /2010-04-01/Accounts/{AccountSid}/Messages.json       → 201 Message resource (SM…, queued)
 *   POST /2010-04-01/Accounts/{AccountSid}/Calls.json          → 201 Call resource (CA…, queued)
 *   GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json → 200 the Message created
 *   GET  /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json    → 200 the Call created
 *
 * Nothing moves a resource on by itself: `setStatus` plays Twilio's part (the carrier reported,
 * the call ended). Errors use Twilio's body {code, message, more_info, status}: a wrong account
 * sid or token is 401 with code 20003, a 'To' that is not E.164 is 400 with 21211, an unknown
 * route or sid is 404 with 20404. Other validation Twilio does (sender ownership, geo
 * permissions, …) is not modelled; script it with `failNext` (any request) or `failNextFetch`
 * (GETs only).
 */

export interface FakeRequest {
  method: 'POST' | 'GET';
  resource: 'Messages' | 'Calls';
  /** The resource read by a GET. */
  sid?: string;
  accountSid: string;
  /** The form body as Twilio reads it; a repeated name (StatusCallbackEvent) is an array. */
  form: Record<string, string | string[]>;
  /** Lower-cased. */
  headers: Record<string, string | undefined>;
  authorized: boolean;
}

/** A scripted answer for the next request, whatever it is. */
export type FakeAnswer =
  | { status: 400 | 404 | 409; code: number; message: string }
  | { status: 429; retryAfter?: string }
  | { status: 500 | 503 }
  /** Read the request and never answer: the response is lost, the outcome unknown. */
  | { hang: true };

export interface TwilioFake {
  /** http://127.0.0.1:<port>: the credentials' `api_base_url`. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Every request received, in order, including refused ones. */
  requests: FakeRequest[];
  /** Answers the next requests with these, in order, before any normal answer. */
  failNext(...answers: FakeAnswer[]): void;
  /** Answers the next GETs (status re-fetches) with these, in order; creates are unaffected. */
  failNextFetch(...answers: FakeAnswer[]): void;
  /**
   * What Twilio would report next about a message or call the fake created: its `status`, and
   * optionally `error_code` (messages) or `answered_by` (calls). Throws for an unknown sid.
   */
  setStatus(sid: string, status: string, fields?: { error_code?: number | null; answered_by?: string | null }): void;
  /** The current resource with this sid, as a GET returns it. */
  resource(sid: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

const ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)(?:\/([^/]+))?\.json$/;
const E164 = /^\+[1-9]\d{1,14}$/;
/** Twilio's dates are RFC 2822 in GMT: "Tue, 10 Mar 2026 18:00:00 +0000". */
const rfc2822 = (at: Date) => at.toUTCString().replace('GMT', '+0000');
const sid = (prefix: string) => `${prefix}${crypto.randomBytes(16).toString('hex')}`;

const error = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

function formOf(body: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = form[name];
    form[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return form;
}

function authorized(header: string | undefined, accountSid: string, authToken: string): boolean {
  const [scheme, encoded] = (header ?? '').split(' ');
  if (scheme !== 'Basic' || !encoded) return false;
  const expected = Buffer.from(`${accountSid}:${authToken}`);
  const given = Buffer.from(encoded, 'base64');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

function resource(kind: FakeRequest['resource'], accountSid: string, form: FakeRequest['form']) {
  const one = (name: string) => (typeof form[name] === 'string' ? form[name] : null);
  const now = rfc2822(new Date());
  if (kind === 'Messages') {
    const id = sid('SM');
    const service = one('MessagingServiceSid');
    return {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: one('Body'),
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: one('From'),
      messaging_service_sid: service,
      num_media: '0',
      // A Messaging Service has not picked a sender yet, so Twilio reports 0 segments.
      num_segments: service ? '0' : '1',
      price: null,
      price_unit: 'USD',
      sid: id,
      // Through a Messaging Service a message starts `accepted`, else `queued`.
      status: service && !one('From') ? 'accepted' : 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${id}/Media.json` },
      to: one('To'),
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${id}.json`,
    };
  }
  const id = sid('CA');
  const base = `/2010-04-01/Accounts/${accountSid}/Calls/${id}`;
  return {
    account_sid: accountSid,
    annotation: null,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: now,
    date_updated: now,
    direction: 'outbound-api',
    duration: null,
    end_time: null,
    forwarded_from: null,
    from: one('From'),
    from_formatted: one('From'),
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: sid('PN'),
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: id,
    start_time: null,
    status: 'queued',
    subresource_uris: {
      notifications: `${base}/Notifications.json`,
      recordings: `${base}/Recordings.json`,
      events: `${base}/Events.json`,
    },
    to: one('To'),
    to_formatted: one('To'),
    trunk_sid: null,
    uri: `${base}.json`,
  };
}

/** Twilio's bodies for the scripted failures: 20429, 20500 and 20503 are its generic codes. */
function answerOf(answer: Exclude<FakeAnswer, { hang: true }>): [number, unknown, Record<string, string>] {
  if ('code' in answer) return [answer.status, error(answer.status, answer.code, answer.message), {}];
  if (answer.status === 429)
    return [
      429,
      error(429, 20429, 'Too Many Requests'),
      answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter },
    ];
  if (answer.status === 500) return [500, error(500, 20500, 'An internal server error has occurred'), {}];
  return [503, error(503, 20503, 'Service Unavailable'), {}];
}

export async function startTwilioFake(
  accountSid = `AC${crypto.randomBytes(16).toString('hex')}`,
  authToken = crypto.randomBytes(16).toString('hex'),
): Promise<TwilioFake> {
  const requests: FakeRequest[] = [];
  const script: FakeAnswer[] = [];
  const fetchScript: FakeAnswer[] = [];
  const created = new Map<string, Record<string, unknown>>();
  const notFound = (url: string | undefined) =>
    [404, error(404, 20404, `The requested resource ${url} was not found`)] as const;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(body));
      };
      const route = ROUTE.exec(new URL(req.url ?? '/', 'http://fake').pathname);
      const method =
        req.method === 'GET' && route?.[3] ? 'GET' : req.method === 'POST' && !route?.[3] ? 'POST' : undefined;
      if (!route || !method) return json(...notFound(req.url));
      const form = formOf(Buffer.concat(chunks).toString('utf8'));
      const ok = authorized(req.headers.authorization, accountSid, authToken);
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
      );
      const kind = route[2] as FakeRequest['resource'];
      const sidOf = route[3];
      requests.push({
        method,
        resource: kind,
        ...(sidOf ? { sid: sidOf } : {}),
        accountSid: route[1]!,
        form,
        headers,
        authorized: ok,
      });
      // Authentication comes first, as at Twilio: a scripted answer never leaks past a bad token.
      if (!ok)
        return json(
          401,
          { ...error(401, 20003, 'Authenticate'), detail: 'Your AccountSid or AuthToken was incorrect.' },
          {
            'www-authenticate': 'Basic realm="Twilio API"',
          },
        );
      if (route[1] !== accountSid) return json(...notFound(req.url));
      const scripted = (method === 'GET' ? fetchScript.shift() : undefined) ?? script.shift();
      if (scripted && 'hang' in scripted) return;
      if (scripted) return json(...answerOf(scripted));
      if (method === 'GET') {
        const found = sidOf ? created.get(sidOf) : undefined;
        // A Messages sid under /Calls (or the other way round) is not found either, as at Twilio.
        if (!found || !String(found.uri).includes(`/${kind}/`)) return json(...notFound(req.url));
        return json(200, found);
      }
      const to = typeof form.To === 'string' ? form.To : '';
      if (!E164.test(to)) return json(400, error(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
      const made = resource(kind, accountSid, form);
      created.set(made.sid, made);
      return json(201, made);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    failNext: (...answers) => void script.push(...answers),
    failNextFetch: (...answers) => void fetchScript.push(...answers),
    setStatus(sidToSet, status, fields = {}) {
      const found = created.get(sidToSet);
      if (!found) throw new Error(`the Twilio fake created no ${sidToSet}`);
      Object.assign(found, { status, date_updated: rfc2822(new Date()) });
      if (fields.error_code !== undefined) Object.assign(found, { error_code: fields.error_code });
      if (fields.answered_by !== undefined) Object.assign(found, { answered_by: fields.answered_by });
    },
    resource: (sidToRead) => {
      const found = created.get(sidToRead);
      return found ? { ...found } : undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Hung requests and idle keep-alive sockets would hold close() open.
        server.closeAllConnections();
      }),
  };
}
