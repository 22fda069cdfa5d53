import { BANKRUPTCY_STAY, DECEASED_SCRUB } from '../rules/federal-contact.ts';
import { ALLOWED, blocked, type ContactAttempt, type GuardResult } from './types.ts';

/**
 * Scrubs stop every channel, letters and opt-out confirmations included: nothing automated may
 * reach a tenant under a bankruptcy stay or one who has died. Counsel or a person handles both.
 */

export function checkBankruptcy(attempt: Pick<ContactAttempt, 'holds'>): GuardResult {
  return attempt.holds.bankruptcy ? blocked('bankruptcy_stay', BANKRUPTCY_STAY) : ALLOWED;
}

export function checkDeceased(attempt: Pick<ContactAttempt, 'holds'>): GuardResult {
  return attempt.holds.deceased ? blocked('deceased', DECEASED_SCRUB) : ALLOWED;
}

/** Bankruptcy first: the stay is a court order, so it is the reason worth showing. */
export function checkScrub(attempt: Pick<ContactAttempt, 'holds'>): GuardResult {
  const stay = checkBankruptcy(attempt);
  return stay.ok ? checkDeceased(attempt) : stay;
}
