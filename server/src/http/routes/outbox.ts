import { DeadLetterPage, OutboxPage } from '@arrears/shared';
import { Router } from 'express';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { CHANNELS } from '../../ports/port.ts';
import { DEAD_LETTER_QUEUE } from '../../runner/jobs.ts';
import { authOf } from '../auth.ts';
import { parseRequest } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';

/** Digits only: coercion would read an empty `?after=` as 0 and `1e3` or `0x10` as numbers. */
const whole = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), schema);

const OutboxQuery = z.object({
  lease_id: z.string().min(1).max(200).optional(),
  channel: z.enum(CHANNELS).optional(),
  after: whole(z.number().int().min(0)).optional().describe('Continue after this message id'),
  limit: whole(z.number().int().min(1).max(500)).default(100),
});

export const outboxDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/outbox',
    summary: 'What the sandbox providers "sent": recipients, rendered body and content hash, oldest first',
    auth: true,
    query: OutboxQuery,
    responses: { 200: { description: 'A page of sandbox messages', schema: OutboxPage } },
  },
  {
    method: 'get',
    path: '/v1/jobs/dead-letter',
    summary: "This org's jobs that failed every retry, with the last error",
    auth: true,
    responses: {
      200: { description: 'Dead-lettered jobs', schema: DeadLetterPage },
      503: { description: 'No job queue in this process' },
    },
  },
];

export function outboxRoutes(db: Database, boss: PgBoss | undefined): Router {
  const router = Router();
  router.get('/v1/outbox', async (req, res) => {
    const q = parseRequest(OutboxQuery, req.query, 'query');
    const { orgId } = authOf(res.locals);
    const rows = await db.withOrg(orgId, (trx) => {
      const query = trx('sandbox_outbox').where({ org_id: orgId });
      if (q.lease_id) query.andWhere({ lease_id: q.lease_id });
      if (q.channel) query.andWhere({ channel: q.channel });
      if (q.after !== undefined) query.andWhere('id', '>', q.after);
      return query.orderBy('id').limit(q.limit + 1);
    });
    const page = rows.slice(0, q.limit);
    res.json(
      OutboxPage.parse({
        messages: page.map((r: Record<string, unknown>) => ({
          id: r.id,
          effect_key: r.effect_key,
          lease_id: r.lease_id,
          channel: r.channel,
          provider: 'sandbox',
          provider_message_id: r.provider_message_id,
          recipients: r.recipients,
          subject: r.subject,
          body: r.body,
          content_sha256: r.content_sha256,
          sent_at: (r.sent_at as Date).toISOString(),
        })),
        next_after: rows.length > q.limit ? (page.at(-1)!.id as number) : null,
      }),
    );
  });

  router.get('/v1/jobs/dead-letter', async (_req, res) => {
    if (!boss) throw new AppError('unavailable', 'This process runs no job queue');
    const { orgId } = authOf(res.locals);
    // Filtered on the org inside pg-boss's own query: one org never sees another's payloads.
    const jobs = await boss.findJobs(DEAD_LETTER_QUEUE, { data: { org_id: orgId }, limit: 1000 });
    res.json(
      DeadLetterPage.parse({
        jobs: jobs.map((j) => ({
          id: j.id,
          queue: j.sourceName ?? null,
          data: j.data as Record<string, unknown>,
          created_on: new Date(j.createdOn).toISOString(),
          output: j.output ?? null,
        })),
      }),
    );
  });
  return router;
}
