import { CREDIT_FURNISHING_WAIT } from '../compliance/rules/federal-collection.ts';
import { addCalendarDays } from '../time/zoned.ts';
import type { KnownEffect, LeaseFacts } from './facts.ts';

/** What the check reads of the lease's effects: a list, or the engine's KnownEffects. */
interface Effects {
  find(predicate: (effect: KnownEffect) => boolean): KnownEffect | undefined;
}

/**
 * Whether a credit report must wait (12 CFR 1006.30(a)): a debt collector may not furnish
 * information about a consumer debt before it has spoken to the consumer about it (in person or
 * by telephone) or sent them a message and waited 14 days for a notice of undeliverability. The
 * collector is a third party by the lease's own `collector`, or once the account was placed with
 * an agency (a placement sent, or going out now beside the report: the same minute must not
 * decide it). Commercial rent is not a consumer debt. Null when the report may go; otherwise the
 * day it may (null when nothing has been mailed yet).
 */
export function creditFurnishingWait(facts: LeaseFacts, known: Effects): { earliest_on: string | null } | null {
  if (facts.lease.kind !== 'residential') return null;
  const placement = known.find(
    (e) => e.type === 'placement' && (e.status === 'sent' || e.status === 'scheduled' || e.status === 'sending'),
  );
  if (facts.lease.collector === 'first_party' && !placement) return null;
  // A conversation counts when the collector had it: after the placement, when there is one.
  const since = placement && facts.lease.collector === 'first_party' ? placement.due_at : null;
  if (facts.contact.conversations.some((at) => since === null || Date.parse(at) >= Date.parse(since))) return null;
  const validation = known.find(
    (e) =>
      e.type === 'notice' &&
      e.payload.notice === 'validation' &&
      e.status === 'sent' &&
      (since === null || e.due_at >= since),
  );
  const earliest = validation
    ? addCalendarDays(String(validation.payload.served_on), CREDIT_FURNISHING_WAIT.params.wait_days)
    : null;
  return earliest !== null && earliest <= facts.today ? null : { earliest_on: earliest };
}
