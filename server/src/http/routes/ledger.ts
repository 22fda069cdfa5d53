import { IngestRequest, IngestResult, LedgerEvent, MAX_EVENTS_PER_REQUEST } from '@arrears/shared';
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import { ingestLedgerEvents } from '../../ledger/ingest.ts';
import { authOf } from '../auth.ts';
import { parseRequest } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';

export const ledgerDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/ledger/events',
    summary: `Ingest up to ${MAX_EVENTS_PER_REQUEST} ledger events; idempotent on (source, external_id)`,
    auth: true,
    // Events are validated one by one (a bad one does not sink the rest), but documented whole.
    body: IngestRequest.extend({ events: z.array(LedgerEvent).min(1).max(MAX_EVENTS_PER_REQUEST) }),
    responses: {
      200: { description: 'Committed; rejected events are listed with row, field and reason', schema: IngestResult },
      422: { description: 'strict: one or more events were bad, nothing was committed', schema: IngestResult },
    },
  },
];

export function ledgerRoutes(db: Database, clock: Clock): Router {
  const router = Router();
  router.post('/v1/ledger/events', async (req, res) => {
    const body = parseRequest(IngestRequest, req.body, 'body');
    const auth = authOf(res.locals);
    const result = await ingestLedgerEvents(
      db,
      { orgId: auth.orgId, source: body.source, actor: auth.actor, now: clock.now(), strict: body.strict },
      body.events.map((value, i) => ({ row: i + 1, value })),
    );
    res.status(result.committed ? 200 : 422).json(result);
  });
  return router;
}
