/**
 * Turns the holiday rules of a calendar into dated holidays. A holiday moved off a weekend appears
 * twice: on its actual date and, named "… (observed)", on the weekday it is observed.
 */
import { HOLIDAY_CALENDARS } from './calendars.ts';
import type { HolidayCalendar, HolidayCalendarId, HolidayDefinition, HolidayRule, Observance } from './calendars.ts';
import { assertSupportedDate, assertSupportedYear, formatDate, isWeekend, shiftDays, weekday } from './dates.ts';

export interface Holiday {
  readonly date: string;
  readonly name: string;
  /** True for the weekday a weekend holiday is observed on, false for the holiday's own date. */
  readonly observed: boolean;
}

export function holidayCalendar(calendar: HolidayCalendarId): HolidayCalendar {
  // Object.hasOwn keeps a typo'd id coming from untyped input from reaching prototype keys.
  if (!Object.hasOwn(HOLIDAY_CALENDARS, calendar)) {
    throw new RangeError(`Unknown holiday calendar: ${JSON.stringify(calendar)}`);
  }
  return HOLIDAY_CALENDARS[calendar];
}

function nthWeekday(year: number, month: number, day: number, n: number): string {
  const first = formatDate(year, month, 1);
  const offset = (day - weekday(first) + 7) % 7;
  return formatDate(year, month, 1 + offset + (n - 1) * 7);
}

function lastWeekday(year: number, month: number, day: number): string {
  const last = formatDate(year, month + 1, 0);
  return shiftDays(last, -((weekday(last) - day + 7) % 7));
}

function actualDate(calendar: HolidayCalendar, rule: HolidayRule, year: number, seen: readonly string[]): string {
  switch (rule.type) {
    case 'fixed':
      return formatDate(year, rule.month, rule.day);
    case 'nth_weekday':
      return nthWeekday(year, rule.month, rule.weekday, rule.n);
    case 'last_weekday':
      return lastWeekday(year, rule.month, rule.weekday);
    case 'weekday_on_or_after': {
      const from = formatDate(year, rule.month, rule.day);
      return shiftDays(from, (rule.weekday - weekday(from) + 7) % 7);
    }
    case 'relative': {
      const target = calendar.holidays.find((holiday) => holiday.name === rule.to);
      if (!target || seen.includes(rule.to)) {
        throw new Error(`Holiday calendar ${calendar.id}: cannot resolve a holiday relative to "${rule.to}"`);
      }
      return shiftDays(actualDate(calendar, target.rule, year, [...seen, rule.to]), rule.days);
    }
  }
}

function observedDate(date: string, observance: Observance): string | undefined {
  const day = weekday(date);
  if (observance === 'federal' && day === 6) return shiftDays(date, -1);
  if ((observance === 'federal' || observance === 'sunday_to_monday') && day === 0) return shiftDays(date, 1);
  return undefined;
}

function datedHolidays(calendar: HolidayCalendar, definition: HolidayDefinition, year: number): Holiday[] {
  if (definition.from_year !== undefined && year < definition.from_year) return [];
  const date = actualDate(calendar, definition.rule, year, [definition.name]);
  const moved = observedDate(date, definition.observed);
  const dated: Holiday[] = [{ date, name: definition.name, observed: false }];
  if (moved !== undefined) dated.push({ date: moved, name: `${definition.name} (observed)`, observed: true });
  return dated;
}

const byYear = new Map<string, readonly Holiday[]>();

function computeYear(calendarId: HolidayCalendarId, year: number): readonly Holiday[] {
  const key = `${calendarId}:${year}`;
  let holidays = byYear.get(key);
  if (holidays === undefined) {
    const calendar = holidayCalendar(calendarId);
    const prefix = `${year}-`;
    // A Saturday Jan 1 is observed on Dec 31 of the year before, so neighbouring years' rules can
    // put a holiday into this one.
    holidays = [year - 1, year, year + 1]
      .flatMap((ruleYear) => calendar.holidays.flatMap((definition) => datedHolidays(calendar, definition, ruleYear)))
      .filter((holiday) => holiday.date.startsWith(prefix))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : Number(a.observed) - Number(b.observed)));
    byYear.set(key, holidays);
  }
  return holidays;
}

/** Every holiday dated in `year`, sorted by date, including observed weekdays of weekend holidays. */
export function holidaysIn(calendar: HolidayCalendarId, year: number): Holiday[] {
  assertSupportedYear(year, `Year ${year}`);
  return [...computeYear(calendar, year)];
}

function holidaysOn(calendar: HolidayCalendarId, date: string): readonly Holiday[] {
  assertSupportedDate(date);
  return computeYear(calendar, Number(date.slice(0, 4))).filter((holiday) => holiday.date === date);
}

/** True on a holiday's own date and on the weekday it is observed on. */
export function isHoliday(calendar: HolidayCalendarId, date: string): boolean {
  return holidaysOn(calendar, date).length > 0;
}

/** The holiday's name; two holidays on one day are joined with " / ". */
export function holidayName(calendar: HolidayCalendarId, date: string): string | undefined {
  const names = holidaysOn(calendar, date).map((holiday) => holiday.name);
  return names.length > 0 ? names.join(' / ') : undefined;
}

/** Not a Saturday, not a Sunday, and not a holiday (actual or observed) of the calendar. */
export function isBusinessDay(calendar: HolidayCalendarId, date: string): boolean {
  // Checked before the weekend test so an out-of-range Saturday fails like any other day.
  assertSupportedDate(date);
  return !isWeekend(date) && !isHoliday(calendar, date);
}
