import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { RouteDoc } from '../openapi.ts';

export const Health = z.object({ status: z.enum(['ok', 'degraded']), database: z.enum(['embedded', 'postgres']) });

export const healthDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness and database reachability',
    auth: false,
    responses: {
      200: { description: 'Healthy', schema: Health },
      503: { description: 'Database unreachable', schema: Health },
    },
  },
];

export function healthRoutes(db: Database): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await db.knex.raw('select 1');
      res.json({ status: 'ok', database: db.kind });
    } catch {
      res.status(503).json({ status: 'degraded', database: db.kind });
    }
  });
  return router;
}
