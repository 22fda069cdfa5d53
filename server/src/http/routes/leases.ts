import { LeaseView, LocalDate } from '@arrears/shared';
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { leaseAging } from '../../ledger/aging.ts';
import { openCharges } from '../../ledger/open-charges.ts';
import { authOf } from '../auth.ts';
import { parseRequest } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';

const Params = z.object({ id: z.string().min(1).max(200) });
const Query = z.object({
  as_of: LocalDate.optional().describe("A local day; defaults to today in the property's time zone"),
});

export const leaseDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/leases/{id}',
    summary: 'A lease with its balance, days past due, aging and open charges',
    auth: true,
    params: Params,
    query: Query,
    responses: {
      200: { description: 'The lease', schema: LeaseView },
      404: { description: 'No such lease in this org' },
    },
  },
];

export function leaseRoutes(db: Database, clock: Clock): Router {
  const router = Router();
  router.get('/v1/leases/:id', async (req, res) => {
    const { id } = parseRequest(Params, req.params, 'params');
    const { as_of } = parseRequest(Query, req.query, 'query');
    const { orgId } = authOf(res.locals);
    const view = await db.withOrg(orgId, async (trx) => {
      const lease = await trx('leases').where({ org_id: orgId, id }).first();
      if (!lease) return null;
      const [aging] = await leaseAging(trx, orgId, as_of ? { date: as_of } : { instant: clock.now() }, [id]);
      return {
        id: lease.id,
        property_id: lease.property_id,
        unit: lease.unit,
        kind: lease.kind,
        status: lease.status,
        rent_cents: lease.rent_cents,
        due_day: lease.due_day,
        grace_days: lease.grace_days,
        aging: aging!,
        open_charges: await openCharges(trx, orgId, id, aging!.as_of),
      } satisfies LeaseView;
    });
    if (!view) throw new AppError('not_found', `No lease "${id}" in this org`);
    res.json(view);
  });
  return router;
}
