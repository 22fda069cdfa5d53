import {
  ARREARS_CONTACT_HOURS,
  FL_FCCPA_CONTACT_HOURS,
  REG_F_QUIET_HOURS,
  type QuietHoursParams,
} from '../rules/federal-contact.ts';
import type { RuleVersion } from '../rules/rule.ts';
import { addCalendarDays, localDate, wallClock, zonedInstant } from '../../time/zoned.ts';
import { ALLOWED, blocked, regFApplies, type ContactAttempt, type ContactZones, type GuardResult } from './types.ts';

type QuietHoursRule = RuleVersion<QuietHoursParams>;

function secondsOfDay(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new RangeError(`Not a wall-clock time in HH:MM form: ${JSON.stringify(hhmm)}`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60;
}

/** The distinct zones to satisfy; the same zone twice is one constraint. */
export function zoneList(zones: ContactZones): string[] {
  return zones.phone === undefined || zones.phone === zones.address ? [zones.address] : [zones.address, zones.phone];
}

export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether `at` falls within [start, end) of local wall-clock time in every zone (DST-correct via Intl). */
export function isConvenient(at: Date, zones: ContactZones, rule: QuietHoursRule = REG_F_QUIET_HOURS): boolean {
  const start = secondsOfDay(rule.params.start);
  const end = secondsOfDay(rule.params.end);
  return zoneList(zones).every((zone) => {
    const wall = wallClock(at, zone);
    const local = (wall.hour * 60 + wall.minute) * 60 + wall.second;
    return local >= start && local < end;
  });
}

/**
 * The earliest instant ≥ `at` convenient in every zone, so the dispatcher can reschedule rather
 * than drop; undefined only when a zone is unknown. The allowed set is an intersection of daily
 * windows, so its first instant after a blocked `at` is always some zone's local start time:
 * trying each zone's next few starts is enough. Two 13-hour windows always overlap within a day.
 */
export function nextAllowedInstant(
  at: Date,
  zones: ContactZones,
  rule: QuietHoursRule = REG_F_QUIET_HOURS,
): Date | undefined {
  const list = zoneList(zones);
  if (!list.every(isKnownZone)) return undefined;
  if (isConvenient(at, zones, rule)) return new Date(at.getTime());
  const candidates: Date[] = [];
  for (const zone of list) {
    const today = localDate(at, zone);
    for (let day = 0; day <= 3; day++) {
      const start = zonedInstant(addCalendarDays(today, day), rule.params.start, zone);
      if (start.getTime() > at.getTime()) candidates.push(start);
    }
  }
  candidates.sort((a, b) => a.getTime() - b.getTime());
  return candidates.find((candidate) => isConvenient(candidate, zones, rule));
}

/**
 * The hours rule a contact with a residential tenant must keep, if any: Reg F's for the
 * collectors it binds, Florida's for anyone collecting a Florida consumer debt, else the
 * product's own hours for calls and texts. Letters are exempt: their delivery hour is the
 * carrier's, not ours. Commercial debt has none (Reg F and FCCPA cover consumer debts only).
 */
export function contactHoursRule(attempt: Pick<ContactAttempt, 'channel' | 'debt'>): QuietHoursRule | undefined {
  switch (attempt.channel) {
    case 'letter':
    case 'certified_letter':
      return undefined;
    case 'email':
    case 'sms':
    case 'call':
      break;
    default: {
      const unreachable: never = attempt.channel;
      throw new Error(`Unknown channel ${String(unreachable)}`);
    }
  }
  // A commercial tenant is a business, not a consumer at home: no hours rule reaches it.
  if (attempt.debt.kind !== 'residential') return undefined;
  if (regFApplies(attempt.debt)) return REG_F_QUIET_HOURS;
  if (attempt.debt.jurisdiction === 'US-FL') return FL_FCCPA_CONTACT_HOURS;
  return attempt.channel === 'email' ? undefined : ARREARS_CONTACT_HOURS;
}

/** The inconvenient-time check: the contact must fall within its hours rule in every zone. */
export function checkQuietHours(attempt: Pick<ContactAttempt, 'channel' | 'at' | 'debt' | 'zones'>): GuardResult {
  const rule = contactHoursRule(attempt);
  if (!rule) return ALLOWED;
  // Fail closed: with no valid zone we cannot know the tenant's hour, and Intl would throw.
  if (!zoneList(attempt.zones).every(isKnownZone)) return blocked('unknown_time_zone', rule);
  return isConvenient(attempt.at, attempt.zones, rule) ? ALLOWED : blocked('quiet_hours', rule);
}
