import { civilDate, civilDay } from './civil-days.ts';

/**
 * Local days and wall-clock times in a named zone, DST-correct, with Intl only. Leases live in
 * their property's zone: "the fee posts on Mar 7 at 08:00" means 08:00 in Los Angeles.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  date: string;
  hour: number;
  minute: number;
  second: number;
}

export function wallClock(at: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/**
 * Intl formatting costs microseconds a call, and the engine asks the same questions (this
 * effect's local day, 09:00 on that day) many times per decision: answers are memoised in a
 * bounded map, cleared when it grows large.
 */
function memo<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (cache.size > 50_000) cache.clear();
  const value = compute();
  cache.set(key, value);
  return value;
}
const localDates = new Map<string, string>();
const instants = new Map<string, number>();

/** The local calendar day of an instant in a zone. */
export function localDate(at: Date, timeZone: string): string {
  return memo(localDates, `${at.getTime()}|${timeZone}`, () => wallClock(at, timeZone).date);
}

/** Offset of the zone from UTC at an instant, in minutes (e.g. -480 for PST). */
export function offsetMinutes(at: Date, timeZone: string): number {
  const wall = wallClock(at, timeZone);
  const asUtc = Date.parse(`${wall.date}T00:00:00Z`) + ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000;
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant a local wall-clock time happens. A time skipped by a spring-forward gap maps to
 * the same wall time after the jump; an ambiguous fall-back time takes the first occurrence.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  return new Date(
    memo(instants, `${date}T${time}|${timeZone}`, () => computeZonedInstant(date, time, timeZone).getTime()),
  );
}

function computeZonedInstant(date: string, time: string, timeZone: string): Date {
  const naive = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}Z`);
  const first = naive - offsetMinutes(new Date(naive), timeZone) * 60_000;
  const second = naive - offsetMinutes(new Date(first), timeZone) * 60_000;
  const candidates = [Math.min(first, second), Math.max(first, second)];
  for (const candidate of candidates) {
    const wall = wallClock(new Date(candidate), timeZone);
    if (`${wall.date}T${pad(wall.hour)}:${pad(wall.minute)}` === `${date}T${time.slice(0, 5)}`)
      return new Date(candidate);
  }
  return new Date(Math.max(first, second));
}

/** `2026-03-07T08:00:00-08:00`: an instant printed with the zone's offset at that instant. */
export function formatZoned(at: Date, timeZone: string): string {
  const wall = wallClock(at, timeZone);
  const offset = offsetMinutes(at, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall.date}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Day arithmetic on `YYYY-MM-DD` through day numbers (civil-days.ts): no Date objects. */
function dayNumber(date: string): number {
  return civilDay(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

export function addCalendarDays(date: string, days: number): string {
  return civilDate(dayNumber(date) + days);
}

export function daysBetweenDates(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}
