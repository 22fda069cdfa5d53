import { REG_F_CALL_FREQUENCY, type CallFrequencyParams } from '../rules/federal-contact.ts';
import type { RuleVersion } from '../rules/rule.ts';
import { ALLOWED, blocked, regFApplies, type ContactAttempt, type GuardResult } from './types.ts';

/**
 * Reg F's call-frequency presumption, per debt. Windows are exact multiples of 24 hours from the
 * instants, not calendar days: that is never more permissive than counting days, stays the same
 * across a DST switch in absolute time, and a conversation on Thu 14:00 frees calls on the next
 * Thu at 14:00. Entries later than `at` are ignored (they have not happened yet).
 */

type CallFrequencyRule = RuleVersion<CallFrequencyParams>;
type CallInput = Pick<ContactAttempt, 'channel' | 'at' | 'debt' | 'callHistory' | 'conversations'>;

const DAY_MS = 86_400_000;

function applies(attempt: Pick<ContactAttempt, 'channel' | 'debt'>): boolean {
  return attempt.channel === 'call' && regFApplies(attempt.debt);
}

/** Earlier attempts in the window (at − window_days×24h, at]. */
export function callsInWindow(
  at: Date,
  callHistory: readonly Date[],
  rule: CallFrequencyRule = REG_F_CALL_FREQUENCY,
): number {
  const from = at.getTime() - rule.params.window_days * DAY_MS;
  return callHistory.filter((call) => call.getTime() > from && call.getTime() <= at.getTime()).length;
}

/** Blocks the attempt that would exceed `max_calls` in the rolling window (the 8th in 7 days). */
export function checkCallCap(attempt: Omit<CallInput, 'conversations'>): GuardResult {
  if (!applies(attempt)) return ALLOWED;
  return callsInWindow(attempt.at, attempt.callHistory) >= REG_F_CALL_FREQUENCY.params.max_calls
    ? blocked('call_frequency_cap', REG_F_CALL_FREQUENCY)
    : ALLOWED;
}

/** Blocks any call within after_conversation_days×24h after a right-party conversation. */
export function checkCallAfterConversation(attempt: Omit<CallInput, 'callHistory'>): GuardResult {
  if (!applies(attempt)) return ALLOWED;
  const quiet = REG_F_CALL_FREQUENCY.params.after_conversation_days * DAY_MS;
  const at = attempt.at.getTime();
  return attempt.conversations.some((talk) => talk.getTime() <= at && at < talk.getTime() + quiet)
    ? blocked('call_after_conversation', REG_F_CALL_FREQUENCY)
    : ALLOWED;
}

/** Both call checks, cap first. */
export function checkCallFrequency(attempt: CallInput): GuardResult {
  const cap = checkCallCap(attempt);
  return cap.ok ? checkCallAfterConversation(attempt) : cap;
}

/**
 * The earliest instant ≥ `at` at which a call passes both checks (quiet hours aside): the cap
 * frees up once the oldest of the last `max_calls` attempts leaves the window.
 */
export function nextCallAllowedInstant(
  at: Date,
  callHistory: readonly Date[],
  conversations: readonly Date[],
  rule: CallFrequencyRule = REG_F_CALL_FREQUENCY,
): Date {
  let earliest = at.getTime();
  const past = callHistory
    .map((call) => call.getTime())
    .filter((call) => call <= at.getTime())
    .sort((a, b) => b - a);
  const oldestToLeave = past[rule.params.max_calls - 1];
  if (oldestToLeave !== undefined) earliest = Math.max(earliest, oldestToLeave + rule.params.window_days * DAY_MS);
  for (const talk of conversations) {
    if (talk.getTime() <= at.getTime())
      earliest = Math.max(earliest, talk.getTime() + rule.params.after_conversation_days * DAY_MS);
  }
  return new Date(earliest);
}
