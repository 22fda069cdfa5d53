import { REG_F_CALL_FREQUENCY, type CallFrequencyParams } from '../rules/federal-contact.ts';
import type { RuleVersion } from '../rules/rule.ts';
import { addCalendarDays, daysBetweenDates, localDate, zonedInstant } from '../../time/zoned.ts';
import { isKnownZone, zoneList } from './quiet-hours.ts';
import { ALLOWED, blocked, regFApplies, type ContactAttempt, type ContactZones, type GuardResult } from './types.ts';

/**
 * Reg F's call-frequency presumption, per debt. 1006.14(b)(2)(i) counts calendar days, not
 * hours: "seven consecutive days", and "the date of the telephone conversation is the first day
 * of the seven-consecutive-day period". Days are the consumer's local days; a tenant whose phone
 * is in another zone than the address is held to both counts, so a call goes only when it is
 * allowed in every zone (the same "every known zone" reading as quiet hours). Entries later than
 * `at` are ignored (they have not happened yet).
 */

type CallFrequencyRule = RuleVersion<CallFrequencyParams>;
type CallInput = Pick<ContactAttempt, 'channel' | 'at' | 'debt' | 'zones' | 'callHistory' | 'conversations'>;

function applies(attempt: Pick<ContactAttempt, 'channel' | 'debt'>): boolean {
  return attempt.channel === 'call' && regFApplies(attempt.debt);
}

/** Calls up to `at` whose local day in `zone` is one of the window_days days ending on `at`'s. */
function callsInZone(at: Date, callHistory: readonly Date[], zone: string, rule: CallFrequencyRule): number {
  const today = localDate(at, zone);
  return callHistory.filter((call) => {
    if (call.getTime() > at.getTime()) return false;
    return daysBetweenDates(localDate(call, zone), today) < rule.params.window_days;
  }).length;
}

/**
 * Earlier attempts in the `window_days` local calendar days ending on `at`'s day (that day
 * included), in the zone where there are most; undefined when a zone is unknown.
 */
export function callsInWindow(
  at: Date,
  callHistory: readonly Date[],
  zones: ContactZones,
  rule: CallFrequencyRule = REG_F_CALL_FREQUENCY,
): number | undefined {
  const list = zoneList(zones);
  if (!list.every(isKnownZone)) return undefined;
  return Math.max(...list.map((zone) => callsInZone(at, callHistory, zone, rule)));
}

/** Blocks the attempt that would exceed `max_calls` in 7 consecutive days (the 8th). */
export function checkCallCap(attempt: Omit<CallInput, 'conversations'>): GuardResult {
  if (!applies(attempt)) return ALLOWED;
  const { max_calls } = REG_F_CALL_FREQUENCY.params;
  const past = attempt.callHistory.filter((call) => call.getTime() <= attempt.at.getTime()).length;
  if (past < max_calls) return ALLOWED;
  const calls = callsInWindow(attempt.at, attempt.callHistory, attempt.zones);
  // Fail closed: without the tenant's zone we cannot tell which day it is there.
  if (calls === undefined) return blocked('unknown_time_zone', REG_F_CALL_FREQUENCY);
  return calls >= max_calls ? blocked('call_frequency_cap', REG_F_CALL_FREQUENCY) : ALLOWED;
}

/**
 * Blocks any call on the conversation's local day or the six after it; the eighth day is free
 * from its first minute (quiet hours aside).
 */
export function checkCallAfterConversation(attempt: Omit<CallInput, 'callHistory'>): GuardResult {
  if (!applies(attempt)) return ALLOWED;
  const at = attempt.at.getTime();
  if (!attempt.conversations.some((talk) => talk.getTime() <= at)) return ALLOWED;
  const list = zoneList(attempt.zones);
  if (!list.every(isKnownZone)) return blocked('unknown_time_zone', REG_F_CALL_FREQUENCY);
  const days = REG_F_CALL_FREQUENCY.params.after_conversation_days;
  const within = (talk: Date) =>
    talk.getTime() <= at &&
    list.some((zone) => daysBetweenDates(localDate(talk, zone), localDate(attempt.at, zone)) < days);
  return attempt.conversations.some(within) ? blocked('call_after_conversation', REG_F_CALL_FREQUENCY) : ALLOWED;
}

/** Both call checks, cap first. */
export function checkCallFrequency(attempt: CallInput): GuardResult {
  const cap = checkCallCap(attempt);
  return cap.ok ? checkCallAfterConversation(attempt) : cap;
}

/**
 * The earliest instant ≥ `at` at which a call passes both checks (quiet hours aside), or
 * undefined when a zone is unknown. Each constraint lifts at some zone's local midnight: the cap
 * once the oldest of the last `max_calls` attempts is `window_days` days back, a conversation on
 * the morning of the `after_conversation_days`-th day after it. Both only ever lift as time goes
 * on, so the latest of them is the answer.
 */
export function nextCallAllowedInstant(
  at: Date,
  callHistory: readonly Date[],
  conversations: readonly Date[],
  zones: ContactZones,
  rule: CallFrequencyRule = REG_F_CALL_FREQUENCY,
): Date | undefined {
  const list = zoneList(zones);
  if (!list.every(isKnownZone)) return undefined;
  let earliest = at.getTime();
  const freeFrom = (day: Date, days: number, zone: string) =>
    zonedInstant(addCalendarDays(localDate(day, zone), days), '00:00', zone).getTime();
  const past = callHistory.filter((call) => call.getTime() <= at.getTime()).sort((a, b) => b.getTime() - a.getTime());
  const oldestToLeave = past[rule.params.max_calls - 1];
  for (const zone of list) {
    if (oldestToLeave !== undefined)
      earliest = Math.max(earliest, freeFrom(oldestToLeave, rule.params.window_days, zone));
    for (const talk of conversations)
      if (talk.getTime() <= at.getTime())
        earliest = Math.max(earliest, freeFrom(talk, rule.params.after_conversation_days, zone));
  }
  return new Date(earliest);
}
