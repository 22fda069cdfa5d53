import {
  ActionRecord,
  ActionRequest,
  ActionResult,
  ApprovalRequest,
  HoldReleaseRequest,
  HoldRequest,
} from '@arrears/shared';
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { SUPPORTED_YEARS } from '../../compliance/calendar/index.ts';
import type { Database, Trx } from '../../db/database.ts';
import type { Actor } from '../../engine/facts.ts';
import { approvalTarget } from '../../escalation/approval-target.ts';
import { evaluateLeaseIn, type EscalationScope, type EvaluationInput } from '../../escalation/evaluate.ts';
import { decideHoldApproval, enterHold, releaseHold } from '../../escalation/holds.ts';
import * as signals from '../../escalation/signals.ts';
import { AppError } from '../../errors.ts';
import { orgPolicyFor } from '../../orgs/settings.ts';
import { localDate } from '../../time/zoned.ts';
import { authOf } from '../auth.ts';
import { parseRequest } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';

// The one-click actions of the CRM card and the approvals of the Slack app: the same engine path
// a scenario's request, hold, release and approval take (simulate/run.ts), decided at once in one
// transaction, audited with the user who acted. A refusal (a role that may not, a hold that
// forbids it) is not an HTTP error: it is a `blocked` action with its reason, as in the card.

const Params = z.object({ id: z.string().min(1).max(200) });
const HoldParams = Params.extend({ hold: z.string().min(1).max(200) });
const { from: FIRST_YEAR, to: LAST_YEAR } = SUPPORTED_YEARS;

/**
 * Business days are counted on holiday calendars checked for a few years only: a hold dated
 * outside them could not be decided (the scenario loader bounds its window the same way).
 */
const HoldBody = HoldRequest.superRefine((hold, ctx) => {
  const days: [PropertyKey[], string | undefined][] = [
    [['from'], hold.from],
    [['until'], hold.until],
    ...(['promises', 'installments'] as const).flatMap((field) =>
      (hold[field] ?? []).map((item, i): [PropertyKey[], string] => [[field, i, 'by'], item.by]),
    ),
  ];
  for (const [path, day] of days)
    if (day && (day < `${FIRST_YEAR}-01-01` || day > `${LAST_YEAR}-12-31`))
      ctx.addIssue({
        code: 'custom',
        path,
        message: `the holiday calendars cover ${FIRST_YEAR}-${LAST_YEAR}; ${day} is outside them`,
      });
});

const done = { description: 'Decided and recorded: the actions it produced or changed', schema: ActionResult };
const refused = {
  400: { description: 'The body is invalid, or names no user of this org' },
  404: { description: 'No such lease (or hold) in this org' },
};

export const actionDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/leases/{id}/requests',
    summary: "An agent's one-click action: a contact now, or a draft that waits for approval",
    auth: true,
    params: Params,
    body: ActionRequest,
    responses: { 200: done, ...refused },
  },
  {
    method: 'post',
    path: '/v1/leases/{id}/holds',
    summary: 'Enter a hold: promise to pay, payment plan, dispute, bankruptcy, SCRA, deceased, manual',
    auth: true,
    params: Params,
    body: HoldRequest,
    responses: { 200: done, ...refused },
  },
  {
    method: 'post',
    path: '/v1/leases/{id}/holds/{hold}/release',
    summary: 'Lift a hold (only counsel lifts a bankruptcy stay, with a stay-relief order or a judgment)',
    auth: true,
    params: HoldParams,
    body: HoldReleaseRequest,
    responses: { 200: done, ...refused },
  },
  {
    method: 'post',
    path: '/v1/leases/{id}/approvals',
    summary: 'Approve or reject a draft (a legal notice, a placement, a long payment plan): never the drafter',
    auth: true,
    params: Params,
    body: ApprovalRequest,
    responses: { 200: done, ...refused },
  },
];

async function actorOf(trx: Trx, orgId: string, userId: string): Promise<Actor> {
  const user = await trx('users').where({ org_id: orgId, id: userId }).first('role');
  if (!user)
    throw new AppError('invalid_request', `No user "${userId}" in this org`, [
      { path: 'body.user_id', message: 'unknown user' },
    ]);
  return { id: userId, role: user.role };
}

async function contextOf(trx: Trx, orgId: string, leaseId: string, now: Date): Promise<signals.SignalContext> {
  const ctx = await signals.signalContext(trx, orgId, leaseId, now);
  if (!ctx) throw new AppError('not_found', `No lease "${leaseId}" in this org`);
  return ctx;
}

/** A lease's actions as they stand: what a call changed is the difference. */
async function actionsOf(trx: Trx, orgId: string, leaseId: string): Promise<ActionRecord[]> {
  const rows: Record<string, unknown>[] = await trx('effects')
    .where({ org_id: orgId, lease_id: leaseId })
    .orderBy('seq')
    .select('key', 'type', 'status', 'reason', 'rule', 'request_id', 'due_at');
  return rows.map((r) =>
    ActionRecord.parse({
      id: r.key,
      type: r.type,
      status: r.status,
      reason: r.reason ?? null,
      rule: r.rule ?? null,
      request: r.request_id ?? null,
      at: new Date(r.due_at as string).toISOString(),
    }),
  );
}

/** The actions new since `before`, or whose status or reason changed: what this call did. */
function changed(before: readonly ActionRecord[], after: readonly ActionRecord[]): ActionRecord[] {
  const was = new Map(before.map((a) => [a.id, a]));
  return after.filter((a) => {
    const old = was.get(a.id);
    return !old || old.status !== a.status || old.reason !== a.reason;
  });
}

export function actionRoutes(db: Database, clock: Clock): Router {
  const router = Router();

  /** Runs one action on a lease in one org-scoped transaction and answers what it did. */
  const act = async (
    orgId: string,
    leaseId: string,
    userId: string,
    work: (trx: Trx, ctx: signals.SignalContext, actor: Actor, scope: EscalationScope) => Promise<void>,
  ) => {
    const now = clock.now();
    return db.withOrg(orgId, async (trx) => {
      const ctx = await contextOf(trx, orgId, leaseId, now);
      const actor = await actorOf(trx, orgId, userId);
      const before = await actionsOf(trx, orgId, leaseId);
      await work(trx, ctx, actor, { db, orgId, policyFor: orgPolicyFor });
      return ActionResult.parse({ lease_id: leaseId, actions: changed(before, await actionsOf(trx, orgId, leaseId)) });
    });
  };
  const evaluate = (
    trx: Trx,
    ctx: signals.SignalContext,
    scope: EscalationScope,
    input: EvaluationInput,
    actor: Actor,
  ) => evaluateLeaseIn(trx, scope, ctx.leaseId, input, ctx.now, actor);

  router.post('/v1/leases/:id/requests', async (req, res) => {
    const { id } = parseRequest(Params, req.params, 'params');
    const body = parseRequest(ActionRequest, req.body, 'body');
    const { orgId } = authOf(res.locals);
    const result = await act(orgId, id, body.user_id, async (trx, ctx, actor, scope) => {
      const request = {
        id: body.id,
        action: body.action,
        ...(body.notice ? { notice: body.notice } : {}),
        ...(body.channel ? { channel: body.channel } : {}),
      };
      await evaluate(trx, ctx, scope, { type: 'request', request, actor }, actor);
    });
    res.json(result);
  });

  router.post('/v1/leases/:id/holds', async (req, res) => {
    const { id } = parseRequest(Params, req.params, 'params');
    const body = parseRequest(HoldBody, req.body, 'body');
    const { orgId } = authOf(res.locals);
    const result = await act(orgId, id, body.user_id, async (trx, ctx, actor, scope) => {
      const { user_id, ...hold } = body;
      const today = localDate(ctx.now, ctx.timezone);
      // Without `from` a hold starts today, on the lease's clock: one ending earlier never holds
      // (a retry of one recorded earlier is still the same hold again).
      const endedBeforeToday = !hold.from && hold.until !== undefined && hold.until < today;
      if (endedBeforeToday && !(await trx('holds').where({ org_id: orgId, id: body.id }).first('id'))) {
        const message = `must not be before the day the hold starts (today, ${today})`;
        throw new AppError('invalid_request', `Invalid request body: body.until: ${message}`, [
          { path: 'body.until', message },
        ]);
      }
      await enterHold(ctx, { ...hold, by: user_id }, body.id, today);
      await evaluate(trx, ctx, scope, { type: 'evaluate', cause: 'hold' }, actor);
    });
    res.json(result);
  });

  router.post('/v1/leases/:id/holds/:hold/release', async (req, res) => {
    const { id, hold } = parseRequest(HoldParams, req.params, 'params');
    const body = parseRequest(HoldReleaseRequest, req.body, 'body');
    const { orgId } = authOf(res.locals);
    const result = await act(orgId, id, body.user_id, async (trx, ctx, actor, scope) => {
      const held = await trx('holds').where({ org_id: orgId, id: hold, lease_id: id }).first('id');
      if (!held) throw new AppError('not_found', `No hold "${hold}" on lease "${id}"`);
      await releaseHold(ctx, { hold, reason: body.reason }, hold, actor, localDate(ctx.now, ctx.timezone));
      await evaluate(trx, ctx, scope, { type: 'evaluate', cause: 'hold_release' }, actor);
    });
    res.json(result);
  });

  router.post('/v1/leases/:id/approvals', async (req, res) => {
    const { id } = parseRequest(Params, req.params, 'params');
    const body = parseRequest(ApprovalRequest, req.body, 'body');
    const { orgId } = authOf(res.locals);
    const result = await act(orgId, id, body.user_id, async (trx, ctx, actor, scope) => {
      const target = await approvalTarget(trx, orgId, id, body.target);
      const decision = { decision: body.decision, ...(body.reason ? { reason: body.reason } : {}) };
      if (target?.type === 'hold') {
        await decideHoldApproval(ctx, target.key, decision, actor);
        await evaluate(trx, ctx, scope, { type: 'evaluate', cause: 'hold_approval' }, actor);
        return;
      }
      // An unknown target is the engine's to refuse (`nothing_awaiting_approval`), on the record.
      await evaluate(
        trx,
        ctx,
        scope,
        { type: 'approval', target: target?.key ?? body.target, ...decision, actor },
        actor,
      );
    });
    res.json(result);
  });
  return router;
}
