import { civilDay } from '../time/civil-days.ts';
import { addCalendarDays, daysBetweenDates, zonedInstant } from '../time/zoned.ts';
import { businessDayOnOrAfter, type HolidayCalendarId } from '../compliance/calendar/index.ts';

/**
 * The engine's hot-path day arithmetic: the same answers as `addCalendarDays`,
 * `daysBetweenDates` and `zonedInstant` (time/zoned.ts), without slicing strings, formatting
 * days again or building a cache key string per call. Anything that is not a canonical
 * `YYYY-MM-DD` (or `HH:MM`) goes to the originals, so the results are the same for every input.
 */

/** Day numbers (days since 1970-01-01) whose `YYYY-MM-DD` is remembered: 1970..2149. */
const NAMED_DAYS = 65_744;
const names: (string | undefined)[] = [];

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** The day number of a canonical `YYYY-MM-DD`, else NaN. By `civilDay` (time/civil-days.ts), as zoned.ts counts. */
export function dayNumber(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return NaN;
  const y0 = digit(date, 0);
  const y1 = digit(date, 1);
  const y2 = digit(date, 2);
  const y3 = digit(date, 3);
  const m0 = digit(date, 5);
  const m1 = digit(date, 6);
  const d0 = digit(date, 8);
  const d1 = digit(date, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return NaN;
  return civilDay(y0 * 1000 + y1 * 100 + y2 * 10 + y3, m0 * 10 + m1, d0 * 10 + d1);
}

/** Year and month of a canonical `YYYY-MM…` prefix (month 1–12) as `year * 12 + month - 1`, else -1. */
export function monthIndex(date: string): number {
  if (date.length < 7 || date.charCodeAt(4) !== 45) return -1;
  const y0 = digit(date, 0);
  const y1 = digit(date, 1);
  const y2 = digit(date, 2);
  const y3 = digit(date, 3);
  const m0 = digit(date, 5);
  const m1 = digit(date, 6);
  if ((y0 | y1 | y2 | y3 | m0 | m1) < 0) return -1;
  const m = m0 * 10 + m1;
  return m >= 1 && m <= 12 ? (y0 * 1000 + y1 * 100 + y2 * 10 + y3) * 12 + m - 1 : -1;
}

/** `YYYY-MM-DD` of a day number (an integer); one string per day, remembered. */
export function dayName(n: number): string {
  if (n >= 0 && n < NAMED_DAYS && (n | 0) === n) {
    const name = names[n];
    if (name !== undefined) return name;
    return (names[n] = addCalendarDays('1970-01-01', n));
  }
  return addCalendarDays('1970-01-01', n);
}

/** `addCalendarDays(date, days)`. */
export function addDays(date: string, days: number): string {
  const n = dayNumber(date);
  if (n !== n || (days | 0) !== days) return addCalendarDays(date, days);
  return dayName(n + days);
}

/** `daysBetweenDates(from, to)`. */
export function daysBetween(from: string, to: string): number {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (a !== a || b !== b) return daysBetweenDates(from, to);
  return b - a;
}

/** Minutes into the day of a canonical `HH:MM` (00:00..23:59), else -1. */
function minuteOf(time: string): number {
  if (time.length !== 5 || time.charCodeAt(2) !== 58) return -1;
  const h0 = digit(time, 0);
  const h1 = digit(time, 1);
  const m0 = digit(time, 3);
  const m1 = digit(time, 4);
  if ((h0 | h1 | m0 | m1) < 0) return -1;
  const h = h0 * 10 + h1;
  const m = m0 * 10 + m1;
  return h < 24 && m < 60 ? h * 60 + m : -1;
}

const instants = new Map<string, Map<number, number>>();
const isoInstants = new Map<string, Map<number, string>>();
const MAX_PER_ZONE = 50_000;

function zoneCache<T>(all: Map<string, Map<number, T>>, timeZone: string): Map<number, T> {
  let zone = all.get(timeZone);
  if (!zone) {
    if (all.size > 1_000) all.clear();
    all.set(timeZone, (zone = new Map()));
  } else if (zone.size > MAX_PER_ZONE) zone.clear();
  return zone;
}

/** `zonedInstant(date, time, timeZone).getTime()`, remembered per zone under a numeric key. */
export function instantMs(date: string, time: string, timeZone: string): number {
  const day = dayNumber(date);
  const minute = minuteOf(time);
  if (day !== day || minute < 0) return zonedInstant(date, time, timeZone).getTime();
  const zone = zoneCache(instants, timeZone);
  const key = day * 1440 + minute;
  let ms = zone.get(key);
  if (ms === undefined) zone.set(key, (ms = zonedInstant(date, time, timeZone).getTime()));
  return ms;
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ`, as `toISOString()` writes it: such strings sort as their instants do. */
function canonicalIso(s: string): boolean {
  return s.length === 24 && s.charCodeAt(23) === 90 && s.charCodeAt(10) === 84 && s.charCodeAt(19) === 46;
}

/** The sign of `Date.parse(a) - Date.parse(b)`, comparing canonical ISO strings without parsing them. */
export function compareInstants(a: string, b: string): number {
  if (canonicalIso(a) && canonicalIso(b)) return a < b ? -1 : a > b ? 1 : 0;
  const d = Date.parse(a) - Date.parse(b);
  return d < 0 ? -1 : d > 0 ? 1 : d === 0 ? 0 : NaN;
}

/** `zonedInstant(date, time, timeZone)`: a new Date each call, as the original. */
export function instant(date: string, time: string, timeZone: string): Date {
  return new Date(instantMs(date, time, timeZone));
}

/** `zonedInstant(date, time, timeZone).toISOString()`, remembered. */
export function instantIso(date: string, time: string, timeZone: string): string {
  const day = dayNumber(date);
  const minute = minuteOf(time);
  if (day !== day || minute < 0) return zonedInstant(date, time, timeZone).toISOString();
  const zone = zoneCache(isoInstants, timeZone);
  const key = day * 1440 + minute;
  let iso = zone.get(key);
  if (iso === undefined) zone.set(key, (iso = new Date(instantMs(date, time, timeZone)).toISOString()));
  return iso;
}

const businessDays = new Map<string, Map<string, string>>();

/** `businessDayOnOrAfter(date, calendar)` (compliance/calendar), remembered: holiday calendars are fixed data. */
export function businessDayFrom(date: string, calendar: HolidayCalendarId): string {
  let days = businessDays.get(calendar);
  if (!days) businessDays.set(calendar, (days = new Map()));
  else if (days.size > MAX_PER_ZONE) days.clear();
  let day = days.get(date);
  if (day === undefined) days.set(date, (day = businessDayOnOrAfter(date, calendar)));
  return day;
}
