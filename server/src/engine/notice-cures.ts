import type { Update } from './effects.ts';
import type { KnownEffect, LeaseFacts } from './facts.ts';
import type { KnownEffects } from './known.ts';
import { LEGAL_NOTICES, stillDemandedCents } from './notices.ts';

/** Why a cured notice runs again: the payment that cured it came back. */
export const PAYMENT_RETURNED = 'payment_returned';

/**
 * A demand notice whose charges are all paid is cured. Only the notices that demand something:
 * a validation notice or New York's rent-not-received notice informs, and stays `sent`. A cure
 * undone by a returned payment (NSF) is no cure: a bounced check pays nothing, so the notice runs
 * again from its own service day and the referral it gates may be drafted once more.
 */
export function cureNotices(facts: LeaseFacts, known: KnownEffects, update: Update): void {
  // Which notices the loops below touch is decided by the entries as they are before them: when
  // none qualifies, nothing changes (most leases: no notice, or its charges still open).
  const openCharges = facts.open_charges;
  const demands = (effect: KnownEffect) =>
    effect.type === 'notice' &&
    LEGAL_NOTICES.includes(effect.payload.notice as never) &&
    ((effect.payload.charges as string[] | undefined) ?? []).length > 0;
  // Cured once the tenant has paid what the notice demanded (notices.ts stillDemandedCents): a
  // dispute covering part of its charges is not asked for, before or after service.
  const cured = (effect: KnownEffect) =>
    effect.status === 'sent' && demands(effect) && stillDemandedCents(effect.payload, openCharges) === 0;
  const servedOn = (effect: KnownEffect) => String(effect.payload.served_on ?? '');
  const returned = (effect: KnownEffect) =>
    effect.status === 'cured' &&
    effect.reason === 'demanded_amount_paid' &&
    demands(effect) &&
    facts.credits.some((c) => c.kind === 'reversal' && c.effective_on >= servedOn(effect)) &&
    stillDemandedCents(effect.payload, openCharges) > 0;
  if (known.some(returned))
    for (const effect of [...known.values()]) if (returned(effect)) update(effect.key, 'sent', PAYMENT_RETURNED);
  if (!known.some(cured)) return;
  for (const effect of [...known.values()]) {
    if (!cured(effect)) continue;
    // Closed by a write-off since it was served, the debt was given up, not paid.
    const writtenOff = facts.credits.some((c) => c.kind === 'write_off' && c.effective_on >= servedOn(effect));
    update(effect.key, 'cured', writtenOff ? 'written_off' : 'demanded_amount_paid');
    for (const other of known.values())
      if (
        other.payload.after_notice === effect.key &&
        (other.status === 'scheduled' || other.status === 'awaiting_approval')
      )
        update(other.key, 'cancelled', 'notice_cured');
  }
}
