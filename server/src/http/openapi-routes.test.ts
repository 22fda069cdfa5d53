import pino from 'pino';
import request from 'supertest';
import { fixedClock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { webhookRegistry } from '../webhooks/registry.ts';
import { createApp } from './app.ts';
import { WEBHOOK_SIGNATURE_HEADERS } from './openapi.ts';

// The published contract against the routes express really has: every route the app registers
// is documented, nothing documented is missing from the app, and the statuses any route can
// answer (404 for a path id, 413/415 for a body) are documented with a schema.

// Building the app only registers routes; no request here reaches the database.
const app = createApp({
  db: {} as Database,
  clock: fixedClock(new Date('2026-03-10T20:00:00Z')),
  logger: pino({ level: 'silent' }),
  webhooks: { cipher: undefined, registry: webhookRegistry(), publicUrl: 'https://arrears.example.test' },
});

interface StackLayer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: StackLayer[] };
}

/** `METHOD /path/{param}` of every route in express's router tree (router 2: `rawPath`). */
function registeredRoutes(stack: readonly StackLayer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${path}`);
    }
    // A router mounted with app.use('/x', router) adds its mount path to its routes'.
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return layer.handle?.stack ? registeredRoutes(layer.handle.stack, `${prefix}${mount}`) : [];
  });
}

type Operation = {
  parameters: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
let doc: { paths: Record<string, Record<string, Operation>> };
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, op })),
  );

beforeAll(async () => {
  doc = (await request(app).get('/openapi.json').expect(200)).body;
});

test('every route the app registers is documented, and every documented one exists', () => {
  const routes = registeredRoutes((app as unknown as { router: { stack: StackLayer[] } }).router.stack);
  // A sanity check on the walk itself: it sees nested routers and the webhook ingress.
  expect(routes).toEqual(
    expect.arrayContaining(['GET /healthz', 'POST /v1/leases/{id}/flags', 'POST /webhooks/{scheme}/{org}']),
  );
  expect(operations().map((o) => o.key)).toEqual(expect.arrayContaining(routes));
  expect(routes).toEqual(expect.arrayContaining(operations().map((o) => o.key)));
});

test('a route with a path id documents 404; one with a body documents 413 and 415', () => {
  for (const { key, path, op } of operations()) {
    if (path.includes('{')) expect([key, Object.keys(op.responses)]).toEqual([key, expect.arrayContaining(['404'])]);
    if (op.requestBody) expect([key, Object.keys(op.responses)]).toEqual([key, expect.arrayContaining(['413', '415'])]);
  }
  const flags = doc.paths['/v1/leases/{id}/flags']!.post!.responses;
  expect(flags['404']!.content!['application/json']!.schema).toMatchObject({ properties: { error: {} } });
});

test('every error response has a body schema (the common error shape unless documented otherwise)', () => {
  for (const { key, op } of operations())
    for (const [status, response] of Object.entries(op.responses))
      if (Number(status) >= 400) expect([key, status, response.content]).toEqual([key, status, expect.anything()]);
  const forbidden = doc.paths['/v1/org/settings']!.patch!.responses['403']!;
  expect(forbidden.content!['application/json']!.schema).toMatchObject({
    properties: { error: { properties: { code: { enum: expect.arrayContaining(['forbidden']) } } } },
  });
});

test('the webhook ingress: path parameters, raw body, signature headers per scheme, its statuses', () => {
  const op = doc.paths['/webhooks/{scheme}/{org}']!.post!;
  expect(op).toMatchObject({ security: [] });
  const scheme = op.parameters.find((p) => p.name === 'scheme' && p.in === 'path') as { schema?: { enum?: unknown } };
  expect(scheme.schema?.enum).toEqual([...webhookRegistry().keys()]);
  expect(op.parameters.find((p) => p.name === 'org' && p.in === 'path')).toBeDefined();
  // Every registered scheme has its signature headers documented, and nothing else does.
  expect(Object.keys(WEBHOOK_SIGNATURE_HEADERS).sort()).toEqual([...webhookRegistry().keys()].sort());
  const headers = op.parameters.filter((p) => p.in === 'header').map((p) => p.name);
  expect(headers).toEqual(
    expect.arrayContaining([
      'X-Arrears-Signature',
      'X-Arrears-Delivery',
      'X-Twilio-Signature',
      'X-Twilio-Email-Event-Webhook-Signature',
      'X-Twilio-Email-Event-Webhook-Timestamp',
    ]),
  );
  expect(Object.keys((op.requestBody as { content: object }).content)).toEqual(
    expect.arrayContaining(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']),
  );
  expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '409', '413']));
  expect(Object.keys(op.responses['200']!.content!)).toEqual(['application/json', 'text/xml']);
  expect(op.responses['401']!.content!['application/json']!.schema).toMatchObject({
    properties: { error: { properties: { reason: { enum: expect.arrayContaining(['bad_signature']) } } } },
  });
});
