import { appendAudit } from '../audit/append.ts';
import type { Trx } from '../db/database.ts';
import { noteWork } from '../db/outbox.ts';
import { isRetryable, ProviderError } from '../ports/index.ts';
import type { Outbound } from './delivery.ts';
import type { Dispatched, DispatchScope } from './dispatch.ts';
import { changesTheDecision } from './follow-up.ts';
import { recordDeliveryFailure, signalContext } from './signals.ts';

/** When a 429 names no Retry-After: a minute is what Twilio and SendGrid suggest. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/**
 * The second half of a send through a real provider. The effect is committed as `sending`
 * before the call; afterwards its outcome lands here: `sent` with the provider's id, back to
 * `scheduled` when the provider asks to be retried (a 429 at its Retry-After; an outage or an
 * auth failure by throwing, so the job retries with backoff and ends in the dead-letter queue),
 * or `failed` with the next channel scheduled when the provider refuses the message.
 */
export async function completeSend(
  scope: DispatchScope,
  done: Dispatched,
  outbound: Outbound,
  now: Date,
): Promise<Dispatched> {
  const { db, orgId } = scope;
  const { key } = done;
  const audit = (trx: Trx, action: string, data: Record<string, unknown>) =>
    appendAudit(trx, {
      orgId,
      at: now,
      actor: 'system:dispatcher',
      action,
      subjectType: 'effect',
      subjectId: key,
      data,
    });
  let delivery;
  try {
    delivery = await outbound.port.send(outbound.message, { now });
  } catch (error) {
    if (!(error instanceof ProviderError)) {
      // Not a refusal the provider answered with: the message may or may not have left. Sending
      // again could contact the tenant twice, so an agent confirms instead.
      await db.withOrg(orgId, async (trx) => {
        await trx('effects')
          .where({ org_id: orgId, key, status: 'sending' })
          .update({ status: 'unconfirmed', reason: 'provider_outcome_unknown', updated_at: now });
        await audit(trx, 'effect.unconfirmed', { provider: outbound.port.provider, error: (error as Error).message });
      });
      return { ...done, status: 'unconfirmed' };
    }
    const details = { provider: error.provider, kind: error.kind, status: error.status, code: error.code };
    if (error.kind === 'rate_limited') {
      const at = new Date(now.getTime() + (error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) * 1000);
      await db.withOrg(orgId, async (trx) => {
        await trx('effects')
          .where({ org_id: orgId, key, status: 'sending' })
          .update({ status: 'scheduled', due_at: at, updated_at: now });
        noteWork(trx, { kind: 'dispatch', orgId, key, at });
        await audit(trx, 'effect.rate_limited', { ...details, retry_at: at.toISOString() });
      });
      return { ...done, status: 'deferred' };
    }
    if (isRetryable(error.kind) || error.kind === 'auth') {
      await db.withOrg(orgId, async (trx) => {
        await trx('effects')
          .where({ org_id: orgId, key, status: 'sending' })
          .update({ status: 'scheduled', updated_at: now });
        await audit(trx, 'effect.provider_error', details);
      });
      throw error;
    }
    await db.withOrg(orgId, async (trx) => {
      await trx('effects')
        .where({ org_id: orgId, key, status: 'sending' })
        .update({ status: 'failed', reason: `provider_${error.kind}`, updated_at: now });
      await audit(trx, 'effect.failed', details);
      const ctx = await signalContext(trx, orgId, done.lease_id, now);
      if (ctx)
        await recordDeliveryFailure(ctx, done.type, undefined, {
          key,
          reason: `${error.kind}${error.code ? `:${error.code}` : ''}`,
        });
      noteWork(trx, { kind: 'evaluate', orgId, leaseId: done.lease_id, cause: 'delivery_failed' });
    });
    return { ...done, status: 'failed' };
  }
  await db.withOrg(orgId, async (trx) => {
    await trx('effects')
      .where({ org_id: orgId, key, status: 'sending' })
      .update({
        status: 'sent',
        provider_message_id: delivery.provider_message_id,
        updated_at: now,
        payload: trx.raw(`jsonb_set(payload, '{delivery,provider_message_id}', to_jsonb(?::text))`, [
          delivery.provider_message_id,
        ]),
      });
    await audit(trx, 'effect.sent', { provider: delivery.provider, provider_message_id: delivery.provider_message_id });
    if (changesTheDecision(done.type, 'sent'))
      noteWork(trx, { kind: 'evaluate', orgId, leaseId: done.lease_id, cause: 'dispatch' });
  });
  return { ...done, status: 'sent' };
}
