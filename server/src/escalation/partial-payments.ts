import { FL_PARTIAL_RENT_AFTER_NOTICE } from '../compliance/rules/notices.ts';
import { ruleRef } from '../compliance/rules/index.ts';
import type { Trx } from '../db/database.ts';
import { applyCommands } from './evaluate.ts';

export type PartialPaymentHandling = 'accept_with_receipt' | 'reject';

/**
 * A payment smaller than what an open pay-or-quit notice demands. Accepting it silently can
 * waive the eviction (Fla. Stat. 83.56(5)); the org chooses to refuse it while the notice is
 * open, or to accept it with a receipt, in which case the notice stops gating the referral and
 * a new notice is needed. Either way the decision is an action in the audit trail.
 * Returns false when the payment must not be posted.
 */
export async function screenPartialPayment(
  trx: Trx,
  orgId: string,
  leaseId: string,
  payment: { id: string; amount_cents: number },
  handling: PartialPaymentHandling,
  actor: string,
  now: Date,
): Promise<boolean> {
  const open = await trx('effects')
    .where({ org_id: orgId, lease_id: leaseId, type: 'notice', status: 'sent' })
    .whereRaw(`payload->>'notice' = any(?)`, [[...FL_PARTIAL_RENT_AFTER_NOTICE.params.notices]])
    .orderBy('seq', 'desc')
    .first('key', 'payload');
  const demanded = Number(open?.payload.amount_demanded_cents ?? 0);
  if (!open || payment.amount_cents >= demanded) return true;
  const rule = ruleRef(FL_PARTIAL_RENT_AFTER_NOTICE);
  const base = { due_at: now, rule, drafted_by: actor };
  if (handling === 'reject') {
    await applyCommands(
      trx,
      orgId,
      leaseId,
      null,
      [
        {
          op: 'create',
          effect: {
            ...base,
            key: `${leaseId}:payment:${payment.id}:refused`,
            type: 'payment_refused',
            status: 'blocked',
            reason: 'partial_payment_while_notice_open',
            payload: { amount_cents: payment.amount_cents, notice_id: open.key },
          },
        },
      ],
      actor,
      now,
    );
    return false;
  }
  const referrals = await trx('effects')
    .where({ org_id: orgId, lease_id: leaseId })
    .whereIn('status', ['scheduled', 'awaiting_approval'])
    .whereRaw(`payload->>'after_notice' = ?`, [open.key])
    .pluck('key');
  await applyCommands(
    trx,
    orgId,
    leaseId,
    null,
    [
      {
        op: 'create',
        effect: {
          ...base,
          key: `${leaseId}:payment:${payment.id}:receipt`,
          type: 'receipt',
          status: 'scheduled',
          payload: {
            template: 'partial-payment-receipt',
            amount_cents: payment.amount_cents,
            notice_id: open.key,
            balance_after_cents: demanded - payment.amount_cents,
          },
        },
      },
      { op: 'update', key: open.key, status: 'cancelled', reason: 'partial_payment_accepted_new_notice_required' },
      ...referrals.map((key: string) => ({
        op: 'update' as const,
        key,
        status: 'cancelled' as const,
        reason: 'partial_payment_accepted_new_notice_required',
      })),
    ],
    actor,
    now,
  );
  return true;
}
