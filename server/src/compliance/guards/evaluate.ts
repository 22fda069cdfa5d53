import { checkCallAfterConversation, checkCallCap } from './call-frequency.ts';
import { checkConsent } from './consent.ts';
import { checkQuietHours } from './quiet-hours.ts';
import { checkBankruptcy, checkDeceased } from './scrub.ts';
import type { ContactAttempt, GuardBlock, GuardResult } from './types.ts';

/**
 * The fixed order: scrub (bankruptcy, deceased) → consent → quiet hours → call frequency (cap,
 * then after a conversation). Blocks no waiting can lift come before quiet hours, so a
 * `quiet_hours` answer means the tenant can be reached at all and rescheduling is worth it; the call
 * checks come last because they depend on history and are re-run at the rescheduled instant anyway.
 */
const CHECKS: readonly ((attempt: ContactAttempt) => GuardResult)[] = [
  checkBankruptcy,
  checkDeceased,
  checkConsent,
  checkQuietHours,
  checkCallCap,
  checkCallAfterConversation,
];

/** The first block in the fixed order, or `{ ok: true }`: what the dispatcher acts on. */
export function evaluateSendGuards(attempt: ContactAttempt): GuardResult {
  for (const check of CHECKS) {
    const result = check(attempt);
    if (!result.ok) return result;
  }
  return { ok: true };
}

/** Every block, in the same order, for the audit trail; empty when the contact may go. */
export function evaluateAllGuards(attempt: ContactAttempt): GuardBlock[] {
  const blocks: GuardBlock[] = [];
  for (const check of CHECKS) {
    const result = check(attempt);
    if (!result.ok) blocks.push(result);
  }
  return blocks;
}
