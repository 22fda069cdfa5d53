import { z } from 'zod';
import { LocalDate } from './dates.ts';
import { PositiveCents } from './money.ts';
import { NoticeKind } from './policy.ts';
import {
  HoldKind,
  Installment,
  RequestAction,
  requireHoldTerms,
  requireNoticeKind,
  requireRejectionReason,
} from './scenario.ts';

// The one-click actions agents take in the CRM card and managers in Slack, as the backend takes
// them: the same engine path a scenario's `request`, `hold`, `hold_release` and `approval` take.
// Each names the user who acted (an org user: the engine checks the role) and is audited.

const Id = z.string().min(1).max(200);
const UserId = Id.describe('The user of this org who acted (their role decides what is allowed); audited as the actor');

/** `POST /v1/leases/{id}/requests`: an agent's one-click action. */
export const ActionRequest = z
  .object({
    id: Id.describe('The caller’s id for this request, unique per lease: a retried call with it counts once'),
    action: RequestAction,
    notice: NoticeKind.optional().describe('For action "notice": which notice'),
    channel: z.enum(['email', 'sms', 'call', 'letter', 'certified_letter']).optional(),
    user_id: UserId,
  })
  .strict()
  .superRefine(requireNoticeKind);
export type ActionRequest = z.infer<typeof ActionRequest>;

/** A hold ending before the day it took effect would be recorded already expired. */
function requireEndAfterStart(hold: { from?: string; until?: string }, ctx: z.RefinementCtx): void {
  if (hold.from && hold.until && hold.until < hold.from)
    ctx.addIssue({ code: 'custom', path: ['until'], message: `must not be before from (${hold.from})` });
}

/** `POST /v1/leases/{id}/holds`: a promise to pay, payment plan, dispute, bankruptcy, … */
export const HoldRequest = z
  .object({
    id: Id.describe('The hold’s id, unique per org: a retried call with the same terms counts once'),
    kind: HoldKind,
    user_id: UserId,
    from: LocalDate.optional().describe('A backdated hold: the local day it took effect'),
    until: LocalDate.optional(),
    promises: z.array(Installment).min(1).optional(),
    installments: z.array(Installment).min(1).optional(),
    amount_cents: PositiveCents.optional().describe('For a dispute: the disputed amount'),
    chapter: z.union([z.literal(7), z.literal(11), z.literal(13)]).optional(),
    reason: z.string().min(1).max(2000).optional(),
  })
  .strict()
  .superRefine(requireHoldTerms)
  .superRefine(requireEndAfterStart);
export type HoldRequest = z.infer<typeof HoldRequest>;

/** `POST /v1/leases/{id}/holds/{hold}/release`. */
export const HoldReleaseRequest = z
  .object({
    user_id: UserId,
    reason: z.string().min(1).max(2000).describe('Why (a bankruptcy needs stay_relief_order or pre_petition_judgment)'),
  })
  .strict();
export type HoldReleaseRequest = z.infer<typeof HoldReleaseRequest>;

/** `POST /v1/leases/{id}/approvals`: a second person's decision on a draft (maker-checker). */
export const ApprovalRequest = z
  .object({
    target: Id.describe(
      'What is decided: an action id awaiting approval (a request id, a policy step’s id) or a hold id',
    ),
    decision: z.enum(['approve', 'reject']),
    reason: z.string().min(1).max(2000).optional(),
    user_id: UserId,
  })
  .strict()
  .superRefine(requireRejectionReason);
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

/** One action the call produced or changed, as the action ledger records it. */
export const ActionRecord = z.object({
  id: z.string().describe('The action’s key (its idempotency key)'),
  type: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  rule: z.object({ id: z.string(), citation: z.string(), verified: z.boolean() }).nullable(),
  request: z.string().nullable(),
  at: z.string().describe('When it is due or happened (ISO instant)'),
});
export type ActionRecord = z.infer<typeof ActionRecord>;

export const ActionResult = z.object({
  lease_id: z.string(),
  /** Everything this call created or changed on the lease, oldest first; a refusal is one `blocked` action. */
  actions: z.array(ActionRecord),
});
export type ActionResult = z.infer<typeof ActionResult>;
