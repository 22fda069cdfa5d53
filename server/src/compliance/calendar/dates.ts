/**
 * Local calendar days as `YYYY-MM-DD` strings. All arithmetic goes through `Date.UTC` so that no
 * zone, and so no DST transition, can shift a day.
 */

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Holiday rules were checked against official lists for these years only. */
export const SUPPORTED_YEARS = { from: 2024, to: 2032 } as const;

export interface YearMonthDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function parseDate(date: string): YearMonthDay {
  const match = DATE_PATTERN.exec(date);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    // Round-tripping rejects days Date.UTC would silently roll over, such as 2026-02-30.
    if (formatDate(year, month, day) === date) return { year, month, day };
  }
  throw new RangeError(`Not a calendar date in YYYY-MM-DD form: ${JSON.stringify(date)}`);
}

/** Normalises out-of-range months and days (month 13, day 0) the way Date.UTC does. */
export function formatDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

function toEpochDay(date: string): number {
  const { year, month, day } = parseDate(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function fromEpochDay(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  // Epoch day 0 (1970-01-01) was a Thursday.
  return (((toEpochDay(date) + 4) % 7) + 7) % 7;
}

/** `b − a` in whole days; negative when `b` is earlier. */
export function daysBetween(a: string, b: string): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** Plain calendar arithmetic; `n` may be negative. */
export function shiftDays(date: string, n: number): string {
  return fromEpochDay(toEpochDay(date) + n);
}

export function isWeekend(date: string): boolean {
  const day = weekday(date);
  return day === 0 || day === 6;
}

/**
 * A day count reached a year whose holidays nobody has checked: refused, never guessed (a wrong
 * court holiday makes a notice's deadline wrong). The engine refuses the one notice it was
 * counting for; the CLI reports it as a message, not a crash.
 */
export class CalendarYearUnsupported extends RangeError {
  override readonly name = 'CalendarYearUnsupported';
}

export function assertSupportedYear(year: number, what: string): void {
  if (!Number.isInteger(year) || year < SUPPORTED_YEARS.from || year > SUPPORTED_YEARS.to) {
    throw new CalendarYearUnsupported(
      `${what} is outside ${SUPPORTED_YEARS.from}–${SUPPORTED_YEARS.to}, the only years the holiday rules are validated for`,
    );
  }
}

export function assertSupportedDate(date: string): void {
  assertSupportedYear(parseDate(date).year, date);
}
