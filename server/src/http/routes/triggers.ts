import { FlagRequest, StatusRequest, TriggerAccepted } from '@arrears/shared';
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Database, Trx } from '../../db/database.ts';
import { noteWork } from '../../db/outbox.ts';
import * as signals from '../../escalation/signals.ts';
import { AppError } from '../../errors.ts';
import { authOf } from '../auth.ts';
import { parseRequest } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';

const Params = z.object({ id: z.string().min(1).max(200) });
const accepted = { description: 'Recorded and audited; the lease is queued for evaluation', schema: TriggerAccepted };

export const triggerDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/leases/{id}/flags',
    summary: 'A property manager flags an at-risk account: CRM flag, case event, re-evaluation',
    auth: true,
    params: Params,
    body: FlagRequest,
    responses: { 202: accepted, 403: { description: 'The user is not a manager or admin of this org' } },
  },
  {
    method: 'post',
    path: '/v1/leases/{id}/status',
    summary: 'Tenant status change ("Grace period", "At-risk"), as CRM workflow rules call it',
    auth: true,
    params: Params,
    body: StatusRequest,
    responses: { 202: accepted },
  },
];

async function leaseContext(trx: Trx, orgId: string, leaseId: string, now: Date): Promise<signals.SignalContext> {
  const ctx = await signals.signalContext(trx, orgId, leaseId, now);
  if (!ctx) throw new AppError('not_found', `No lease "${leaseId}" in this org`);
  return ctx;
}

/** Two of the five triggers: a manager's flag and a status change from a CRM workflow rule. */
export function triggerRoutes(db: Database, clock: Clock): Router {
  const router = Router();
  const respond = (leaseId: string) =>
    TriggerAccepted.parse({ lease_id: leaseId, accepted: true, evaluation: db.relay ? 'queued' : 'no_worker' });

  router.post('/v1/leases/:id/flags', async (req, res) => {
    const { id } = parseRequest(Params, req.params, 'params');
    const body = parseRequest(FlagRequest, req.body, 'body');
    const { orgId, actor } = authOf(res.locals);
    const now = clock.now();
    await db.withOrg(orgId, async (trx) => {
      const ctx = await leaseContext(trx, orgId, id, now);
      const user = await trx('users').where({ org_id: orgId, id: body.user_id }).first('role');
      if (!user)
        throw new AppError('invalid_request', `No user "${body.user_id}" in this org`, [
          { path: 'body.user_id', message: 'unknown user' },
        ]);
      if (!signals.FLAG_ROLES.includes(user.role))
        throw new AppError(
          'forbidden',
          `User "${body.user_id}" is ${user.role === 'agent' ? 'an' : 'a'} ${user.role}; flags are set by managers`,
        );
      // The API key that carried it is audited with the flag; the CRM record shows the manager's words.
      await signals.recordFlag(ctx, { id: body.user_id, role: user.role }, body.reason, actor);
      noteWork(trx, { kind: 'evaluate', orgId, leaseId: id, cause: 'flag' });
    });
    res.status(202).json(respond(id));
  });

  router.post('/v1/leases/:id/status', async (req, res) => {
    const { id } = parseRequest(Params, req.params, 'params');
    const body = parseRequest(StatusRequest, req.body, 'body');
    const { orgId, actor } = authOf(res.locals);
    const now = clock.now();
    await db.withOrg(orgId, async (trx) => {
      const ctx = await leaseContext(trx, orgId, id, now);
      await signals.recordStatus(ctx, body.status, `${body.source} (${actor})`);
      noteWork(trx, { kind: 'evaluate', orgId, leaseId: id, cause: `status:${body.status}` });
    });
    res.status(202).json(respond(id));
  });
  return router;
}
