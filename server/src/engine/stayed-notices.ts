import type { Update } from './effects.ts';
import type { Hold, KnownEffect, LeaseFacts } from './facts.ts';
import type { KnownEffects } from './known.ts';
import { LEGAL_NOTICES } from './notices.ts';

/** Why a served notice no longer counts: it was served while a bankruptcy stay was in force. */
export const VOID_IN_STAY = 'void_bankruptcy_stay';
/** Why a step gated on such a notice (a referral) was withdrawn. */
export const NOTICE_VOID = 'notice_void';

/**
 * The bankruptcy stay in force on the day a notice was served, if any. A petition stays acts to
 * collect and to obtain possession from the moment it is filed (11 U.S.C. 362(a)), and an act
 * taken during the stay is void even when nobody knew of the petition: a stay recorded late
 * (`from` a day before it was entered) reaches back over notices served meanwhile. A notice
 * served on the petition's own day is void when the stay was recorded later (when on that day
 * the petition came is not known, and a void notice is worse than a second one); a stay entered
 * the day it starts stops every notice from that moment, so one served earlier that day stands.
 * A released stay covered the days up to its end (`ends_on`, the day before the release).
 */
export function stayOnServiceDay(holds: readonly Hold[], servedOn: string): Hold | undefined {
  return holds.find(
    (h) =>
      h.kind === 'bankruptcy' &&
      (h.status === 'active' || h.status === 'released' || h.status === 'expired') &&
      h.starts_on <= servedOn &&
      (h.ends_on === null || servedOn <= h.ends_on) &&
      (servedOn > h.starts_on || (h.recorded_on ?? h.starts_on) > h.starts_on),
  );
}

/**
 * Legal notices served during a bankruptcy stay are void: they no longer gate a referral, and a
 * referral drafted or approved on one is withdrawn. Once the stay is lifted the policy drafts the
 * notice again (plan-steps.ts re-arms a step whose notice was void), for a manager to approve.
 */
export function voidStayedNotices(facts: LeaseFacts, known: KnownEffects, update: Update): void {
  if (!facts.holds.some((h) => h.kind === 'bankruptcy')) return;
  const stayed = (effect: KnownEffect) =>
    effect.type === 'notice' &&
    effect.status === 'sent' &&
    LEGAL_NOTICES.includes(effect.payload.notice as never) &&
    stayOnServiceDay(facts.holds, String(effect.payload.served_on ?? '')) !== undefined;
  if (!known.some(stayed)) return;
  for (const effect of [...known.values()]) {
    if (!stayed(effect)) continue;
    const stay = stayOnServiceDay(facts.holds, String(effect.payload.served_on))!;
    update(effect.key, 'cancelled', VOID_IN_STAY, undefined, { stay: stay.id });
    for (const other of known.values())
      if (
        other.payload.after_notice === effect.key &&
        (other.status === 'scheduled' || other.status === 'awaiting_approval')
      )
        update(other.key, 'cancelled', NOTICE_VOID);
  }
}
