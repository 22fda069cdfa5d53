import { LeaseCard } from '@arrears/shared';
import { Router } from 'express';
import { z } from 'zod';
import { loadLeaseCard } from '../../cards/load.ts';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { authOf } from '../auth.ts';
import { parseRequest } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';

const Params = z.object({ id: z.string().min(1).max(200) });
const Query = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Timeline entries per page'),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Timeline entries recorded before this seq: the previous page’s `timeline.next_before`'),
});

export const cardDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/leases/{id}/card',
    summary:
      'The lease card every CRM card and the Slack app render: severity, aging, holds, the next step and when, approvals waiting, the timeline',
    auth: true,
    params: Params,
    query: Query,
    responses: {
      200: { description: 'The lease card as of now', schema: LeaseCard },
      404: { description: 'No such lease in this org' },
    },
  },
];

export function cardRoutes(db: Database, clock: Clock): Router {
  const router = Router();
  router.get('/v1/leases/:id/card', async (req, res) => {
    const { id } = parseRequest(Params, req.params, 'params');
    const { limit, before } = parseRequest(Query, req.query, 'query');
    const { orgId } = authOf(res.locals);
    const now = clock.now();
    // One org-scoped transaction: row-level security keeps every read inside the key's org.
    const card = await db.withOrg(orgId, (trx) =>
      loadLeaseCard(trx, orgId, id, now, before === undefined ? { limit } : { limit, before }),
    );
    if (!card) throw new AppError('not_found', `No lease "${id}" in this org`);
    res.json(card);
  });
  return router;
}
