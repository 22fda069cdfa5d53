/**
 * Counting days for notice and filing periods. The start day never counts: day 1 is the first
 * counted day after it, as in "3 days, excluding Saturday, Sunday and legal holidays, after delivery".
 */
import type { HolidayCalendarId } from './calendars.ts';
import { assertSupportedDate, shiftDays } from './dates.ts';
import { isBusinessDay } from './holidays.ts';

/**
 * `calendar`: every day counts. `business`: only business days of the calendar count. `court` is
 * the same mechanics as `business`; the caller chooses it, with a court calendar, to say which
 * statute is being applied.
 */
export type DayCounting = 'calendar' | 'business' | 'court';

function assertCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Day count must be a whole number ≥ 0, got ${n}`);
}

/** The day `n` counted days after `start`; `n = 0` returns `start` unchanged. */
export function addDays(start: string, n: number, counting: DayCounting, calendar: HolidayCalendarId): string {
  assertCount(n);
  if (counting === 'calendar') {
    // No holiday is consulted here, but every date this module returns stays in the validated years.
    assertSupportedDate(start);
    const end = shiftDays(start, n);
    assertSupportedDate(end);
    return end;
  }
  assertSupportedDate(start);
  let day = start;
  for (let counted = 0; counted < n;) {
    day = shiftDays(day, 1);
    if (isBusinessDay(calendar, day)) counted += 1;
  }
  return day;
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: string, calendar: HolidayCalendarId): string {
  return addDays(date, 1, 'business', calendar);
}

/** `date` itself when it is a business day, else the next one. */
export function businessDayOnOrAfter(date: string, calendar: HolidayCalendarId): string {
  return isBusinessDay(calendar, date) ? date : nextBusinessDay(date, calendar);
}

/**
 * `n` calendar days after `start`; a period whose last day is a weekend or holiday runs on to the
 * next business day (e.g. Cal. Code Civ. Proc. 12a, Fla. R. Gen. Prac. & Jud. Admin. 2.514(a)).
 */
export function addCalendarDaysExtended(start: string, n: number, calendar: HolidayCalendarId): string {
  return businessDayOnOrAfter(addDays(start, n, 'calendar', calendar), calendar);
}
