import { deferConfirmation } from '../compliance/guards/consent.ts';
import { evaluateSendGuards } from '../compliance/guards/evaluate.ts';
import { contactHoursRule, nextAllowedInstant } from '../compliance/guards/quiet-hours.ts';
import { REG_F_QUIET_HOURS } from '../compliance/rules/federal-contact.ts';
import type { ContactGuard } from '../engine/dispatch.ts';
import { activeHolds } from '../engine/holds.ts';

/**
 * Adapts a lease's facts to the send-time guards. Automated steps blocked only by the hour are
 * retried at the next convenient instant; everything else is a final block with its rule. The
 * opt-out confirmation is the exception: it waits only while it can still go within the FCC's
 * minutes, and one that cannot is suppressed (it is optional), not blocked.
 */
export const contactGuard: ContactGuard = (effect, facts, now) => {
  const channel = effect.type as 'email' | 'sms' | 'call' | 'letter' | 'certified_letter';
  // Nobody to send it to: an email without an address, a text or call without a number.
  const reachable = facts.contact.reachable;
  if (reachable && channel === 'email' && !reachable.email) return { ok: false, reason: 'no_email_address' };
  if (reachable && (channel === 'sms' || channel === 'call') && !reachable.phone)
    return { ok: false, reason: 'no_phone_number' };
  const holds = activeHolds(facts, facts.today);
  const zones = {
    address: facts.property.timezone,
    ...(facts.contact.phone_timezone ? { phone: facts.contact.phone_timezone } : {}),
  };
  const confirmation = effect.payload.purpose === 'opt_out_confirmation';
  // When the opt-out arrived (signals.ts): a deferral moves the effect's due time, not this.
  const optOutAt =
    confirmation && typeof effect.payload.opt_out_at === 'string' ? new Date(effect.payload.opt_out_at) : undefined;
  const attempt = {
    channel,
    at: now,
    debt: {
      kind: facts.lease.kind,
      collector: facts.lease.collector,
      regFForAll: facts.org.reg_f_for_all,
      jurisdiction: facts.property.jurisdiction,
    },
    zones,
    consents: facts.contact.consents,
    revoked: facts.contact.revoked.map((r) => (r.channel === 'voice' ? 'call' : r.channel)) as (
      'email' | 'sms' | 'call'
    )[],
    callHistory: facts.contact.call_attempts.map((at) => new Date(at)),
    conversations: facts.contact.conversations.map((at) => new Date(at)),
    holds: {
      bankruptcy: holds.some((h) => h.kind === 'bankruptcy'),
      deceased: holds.some((h) => h.kind === 'deceased'),
    },
    purpose: confirmation ? 'opt_out_confirmation' : 'collection',
    confirmationAlreadySent: facts.contact.opt_out_confirmations > 0,
    ...(optOutAt ? { optOutAt } : {}),
  } as const;
  const verdict = evaluateSendGuards(attempt);
  if (verdict.ok) return verdict;
  if (verdict.reason === 'confirmation_window_passed')
    return { ok: false, reason: verdict.reason, ...(verdict.rule ? { rule: verdict.rule } : {}), suppress: true };
  if (verdict.reason === 'quiet_hours') {
    const retryAt = nextAllowedInstant(now, zones, contactHoursRule(attempt) ?? REG_F_QUIET_HOURS);
    if (confirmation) {
      const wait = deferConfirmation(optOutAt, retryAt);
      if (!wait.ok)
        return { ok: false, reason: wait.reason, ...(wait.rule ? { rule: wait.rule } : {}), suppress: true };
    }
    return { ok: false, reason: verdict.reason, ...(verdict.rule ? { rule: verdict.rule } : {}), retryAt };
  }
  return { ok: false, reason: verdict.reason, ...(verdict.rule ? { rule: verdict.rule } : {}) };
};
