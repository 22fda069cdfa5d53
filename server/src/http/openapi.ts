import { z } from 'zod';
import { ApiError, ErrorCode, LedgerEvent, LedgerSource, MAX_EVENTS_PER_REQUEST } from '@arrears/shared';

export interface ResponseDoc {
  description: string;
  /** The JSON body. */
  schema?: z.ZodType;
  /** Bodies by content type, for a response that is not (only) JSON. */
  content?: Record<string, z.ZodType>;
}

export interface HeaderDoc {
  name: string;
  description: string;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'patch';
  /** OpenAPI path syntax: `/v1/leases/{id}`. */
  path: string;
  summary: string;
  auth: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: readonly HeaderDoc[];
  body?: z.ZodType;
  /** A body read as raw bytes (a signature covers them exactly), by content type. */
  rawBody?: { description: string; content: Record<string, z.ZodType> };
  responses: Record<number, ResponseDoc>;
}

/** The body limit app.ts (express.json) and the webhook ingress (express.raw) both set. */
const BODY_LIMIT = '16 MB';

/**
 * Statuses every route of a kind can answer whatever it documents itself, each with the common
 * error body: a path id that names nothing in the key's org (row-level security: another org's
 * lease is not found, never forbidden), and a body the parser refuses before the route runs.
 */
function implied(route: RouteDoc): Record<number, ResponseDoc> {
  const out: Record<number, ResponseDoc> = {};
  if (route.params)
    out[404] = { description: 'Not found: no such lease (or other resource the path names) in this org' };
  if (route.body || route.rawBody) {
    out[413] = { description: `Request body larger than ${BODY_LIMIT}` };
    out[415] = {
      description:
        'Unsupported media type, charset or content encoding (unsupported_media_type): send application/json in UTF-8, uncompressed or gzip, deflate or br',
    };
  }
  return out;
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

const json = (schema: z.ZodType, io: 'input' | 'output') => ({ schema: z.toJSONSchema(schema, { io }) });

function responseContent(response: ResponseDoc, status: number) {
  if (response.content)
    return Object.fromEntries(Object.entries(response.content).map(([type, s]) => [type, json(s, 'output')]));
  // An error documented without a body has the one error shape every error has.
  const schema = response.schema ?? (status >= 400 ? ApiError : undefined);
  return schema ? { 'application/json': json(schema, 'output') } : undefined;
}

function operation(route: RouteDoc) {
  const documented: Record<number, ResponseDoc> = { ...implied(route), ...route.responses };
  if (route.auth) documented[401] ??= { description: 'Missing or invalid API key' };
  documented[400] ??= { description: 'Invalid request' };
  const responses: Record<string, unknown> = {};
  for (const status of Object.keys(documented)
    .map(Number)
    .sort((a, b) => a - b)) {
    const content = responseContent(documented[status]!, status);
    responses[status] = { description: documented[status]!.description, ...(content ? { content } : {}) };
  }
  const headers = (route.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    required: false,
    description: h.description,
    schema: { type: 'string' },
  }));
  // A PATCH is a JSON merge patch (RFC 7396): its own media type is accepted beside JSON.
  const bodySchema = route.body ? json(route.body, 'input') : undefined;
  const body = bodySchema
    ? {
        required: true,
        content: {
          'application/json': bodySchema,
          ...(route.method === 'patch' ? { 'application/merge-patch+json': bodySchema } : {}),
        },
      }
    : route.rawBody
      ? {
          required: true,
          description: route.rawBody.description,
          content: Object.fromEntries(Object.entries(route.rawBody.content).map(([t, s]) => [t, json(s, 'input')])),
        }
      : undefined;
  return {
    summary: route.summary,
    ...(route.auth ? { security: [{ apiKey: [] }] } : { security: [] }),
    parameters: [...parameters('path', route.params), ...parameters('query', route.query), ...headers],
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

const TOLERANCE = '±300 s';

/**
 * The headers each webhook scheme signs with (README, _Runner_ and _Providers_), by the scheme's
 * path segment; a test holds the keys to the ingress registry.
 */
export const WEBHOOK_SIGNATURE_HEADERS: Readonly<Record<string, readonly HeaderDoc[]>> = {
  accounting: [
    {
      name: 'X-Arrears-Signature',
      description: `accounting: \`t=<unix seconds>,v1=<hex HMAC-SHA256(webhook_secret, "<t>.<raw body>")>\`, accepted within ${TOLERANCE}`,
    },
    {
      name: 'X-Arrears-Delivery',
      description:
        'accounting: a unique delivery id (at most 200 characters), the dedupe key; the same id with another body is 409',
    },
  ],
  twilio: [
    {
      name: 'X-Twilio-Signature',
      description:
        'twilio: base64 HMAC-SHA1 (auth token) of the full URL followed by every POST parameter name and value sorted by name',
    },
  ],
  sendgrid: [
    {
      name: 'X-Twilio-Email-Event-Webhook-Signature',
      description:
        'sendgrid: base64 ECDSA P-256 / SHA-256 signature of the timestamp header followed by the raw body (event_webhook_public_key)',
    },
    {
      name: 'X-Twilio-Email-Event-Webhook-Timestamp',
      description: `sendgrid: Unix seconds, accepted within ${TOLERANCE}`,
    },
  ],
  'sendgrid-inbound': [
    {
      name: 'X-Twilio-Email-Event-Webhook-Signature',
      description:
        "sendgrid-inbound: the same ECDSA signature over the raw multipart bytes, by the Parse setting's security policy (inbound_parse_public_key)",
    },
    {
      name: 'X-Twilio-Email-Event-Webhook-Timestamp',
      description:
        'sendgrid-inbound: Unix seconds, accepted up to 3 days old (SendGrid retries a Parse post for 3 days)',
    },
  ],
};

/** One header parameter per name: the schemes that share a header each describe their use. */
function webhookHeaders(): HeaderDoc[] {
  const byName = new Map<string, string[]>();
  for (const header of Object.values(WEBHOOK_SIGNATURE_HEADERS).flat())
    byName.set(header.name, [...(byName.get(header.name) ?? []), header.description]);
  return [...byName].map(([name, descriptions]) => ({ name, description: descriptions.join('; ') }));
}

/** What the ingress answers for a refused delivery (webhooks/ingress.ts; reasons: webhooks/scheme.ts). */
const WebhookRejection = z.object({
  error: z.object({
    code: ErrorCode.extract(['invalid_request', 'unauthenticated']),
    reason: z.enum([
      'missing_secret',
      'missing_signature',
      'bad_signature',
      'bad_timestamp',
      'stale_timestamp',
      'malformed',
    ]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const webhookDoc: RouteDoc = {
  method: 'post',
  path: '/webhooks/{scheme}/{org}',
  summary:
    'Webhook ingress: verified over the raw body with the org’s secret (no API key: the signature is the authentication), stored, deduped on the delivery id, queued',
  auth: false,
  params: z.object({
    scheme: z.enum(Object.keys(WEBHOOK_SIGNATURE_HEADERS) as [string, ...string[]]).describe('The sender'),
    // The ingress's own check (webhooks/ingress.ts); another id is 404.
    org: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/)
      .describe('The org the sender delivers to'),
  }),
  headers: webhookHeaders(),
  rawBody: {
    description: 'The raw bytes exactly as signed; no parser reads them before the signature is verified',
    content: {
      'application/json': z
        .union([
          z.object({
            source: LedgerSource.optional(),
            events: z.array(LedgerEvent).min(1).max(MAX_EVENTS_PER_REQUEST),
          }),
          z.array(z.record(z.string(), z.unknown())),
        ])
        .describe('accounting: {source?, events} in the ledger API’s format; sendgrid: the Event Webhook’s array'),
      'application/x-www-form-urlencoded': z
        .record(z.string(), z.string())
        .describe('twilio: an inbound text or a status callback'),
      'multipart/form-data': z
        .record(z.string(), z.string())
        .describe('sendgrid-inbound: Inbound Parse, default format'),
    },
  },
  responses: {
    200: {
      description: 'Accepted: new events stored and queued, re-deliveries acknowledged and unchanged',
      content: {
        'application/json': z.object({ received: z.int(), new: z.int(), duplicates: z.int() }),
        'text/xml': z.string().describe('twilio: an empty TwiML <Response/>'),
      },
    },
    400: { description: 'malformed: the verified body or a required header is unusable', schema: WebhookRejection },
    401: {
      description: 'Not verified (missing secret or signature, bad signature or timestamp); nothing stored',
      schema: WebhookRejection,
    },
    404: { description: 'No such scheme, or not an org id' },
    409: { description: 'accounting: this delivery id was already received with another body; nothing stored' },
  },
};

const openApiDoc: RouteDoc = {
  method: 'get',
  path: '/openapi.json',
  summary: 'This OpenAPI 3.1 document',
  auth: false,
  responses: { 200: { description: 'The document', schema: z.record(z.string(), z.unknown()) } },
};

/**
 * Routes app.ts mounts itself rather than through a routes/ module with its docs: documented
 * here so the contract lists every route (a route list that already has them is kept as it is).
 */
export const SERVICE_DOCS: readonly RouteDoc[] = [openApiDoc, webhookDoc];

/**
 * The OpenAPI document is generated from the same zod schemas (shared/) that validate the
 * requests, so the published contract cannot drift from the code.
 */
export function buildOpenApi(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const all = [
    ...routes,
    ...SERVICE_DOCS.filter((doc) => !routes.some((r) => r.method === doc.method && r.path === doc.path)),
  ];
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of all) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: { title: 'Arrears API', version },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An org API key: ark_…' } },
    },
    paths,
  };
}
