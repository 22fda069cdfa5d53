import { addCalendarDays, daysBetweenDates, formatZoned, localDate, zonedInstant } from './zoned.ts';

const LA = 'America/Los_Angeles';

test('local wall time to instant and back, across the 2026 spring-forward', () => {
  expect(zonedInstant('2026-03-07', '08:00', LA).toISOString()).toBe('2026-03-07T16:00:00.000Z');
  expect(zonedInstant('2026-03-09', '08:00', LA).toISOString()).toBe('2026-03-09T15:00:00.000Z');
  // 02:30 does not exist on 2026-03-08 in Los Angeles: it lands after the jump.
  expect(formatZoned(zonedInstant('2026-03-08', '02:30', LA), LA)).toBe('2026-03-08T03:30:00-07:00');
  expect(formatZoned(zonedInstant('2026-03-05', '10:00', LA), LA)).toBe('2026-03-05T10:00:00-08:00');
  expect(formatZoned(new Date('2026-11-01T08:30:00Z'), LA)).toBe('2026-11-01T01:30:00-07:00');
  expect(formatZoned(new Date('2026-11-01T09:30:00Z'), LA)).toBe('2026-11-01T01:30:00-08:00');
});

test('local date of an instant depends on the zone', () => {
  const at = new Date('2026-03-01T05:00:00Z');
  expect(localDate(at, LA)).toBe('2026-02-28');
  expect(localDate(at, 'America/New_York')).toBe('2026-03-01');
});

test('calendar arithmetic on local days', () => {
  expect(addCalendarDays('2026-02-28', 1)).toBe('2026-03-01');
  expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
  expect(daysBetweenDates('2026-02-01', '2026-03-09')).toBe(36);
});

test('day arithmetic agrees with Date across leap years, centuries and eras of the calendar', () => {
  for (let n = -800; n <= 800; n += 7) {
    for (const start of ['2024-02-28', '2000-02-29', '2026-12-31', '1970-01-01', '2100-03-01']) {
      const expected = new Date(Date.parse(`${start}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
      expect(addCalendarDays(start, n)).toBe(expected);
      expect(daysBetweenDates(start, expected)).toBe(n);
    }
  }
});
