import { z } from 'zod';
import { ApiError } from '@arrears/shared';

export interface RouteDoc {
  method: 'get' | 'post' | 'patch';
  /** OpenAPI path syntax: `/v1/leases/{id}`. */
  path: string;
  summary: string;
  auth: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
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

/**
 * The OpenAPI document is generated from the same zod schemas (shared/) that validate the
 * requests, so the published contract cannot drift from the code.
 */
export function buildOpenApi(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.schema
          ? { content: { 'application/json': { schema: z.toJSONSchema(r.schema, { io: 'output' }) } } }
          : {}),
      };
    }
    if (route.auth)
      responses['401'] ??= {
        description: 'Missing or invalid API key',
        content: { 'application/json': { schema: z.toJSONSchema(ApiError) } },
      };
    responses['400'] ??= {
      description: 'Invalid request',
      content: { 'application/json': { schema: z.toJSONSchema(ApiError) } },
    };
    (paths[route.path] ??= {})[route.method] = {
      summary: route.summary,
      ...(route.auth ? { security: [{ apiKey: [] }] } : { security: [] }),
      parameters: [...parameters('path', route.params), ...parameters('query', route.query)],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Arrears API', version },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An org API key: ark_…' } },
    },
    paths,
  };
}
