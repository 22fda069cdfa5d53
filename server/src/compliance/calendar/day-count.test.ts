import { daysBetween, weekday } from './dates.ts';
import { addCalendarDaysExtended, addDays, businessDayOnOrAfter, nextBusinessDay } from './day-count.ts';

test('California: 3 court days after Fri 2026-03-27 skip the weekend and Cesar Chavez Day', () => {
  // Mon 03-30 is day 1, Tue 03-31 is a judicial holiday, Wed 04-01 day 2, Thu 04-02 day 3.
  expect(addDays('2026-03-27', 3, 'court', 'US-CA-judicial')).toBe('2026-04-02');
  // Without the holiday the count would end a day earlier.
  expect(addDays('2026-03-27', 3, 'business', 'US')).toBe('2026-04-01');
});

test('Florida: 3 days after delivery on Thu 2026-06-04, excluding weekends and court holidays', () => {
  expect(addDays('2026-06-04', 3, 'court', 'US-FL')).toBe('2026-06-09');
});

test('federal: 5 business days after Mon 2026-09-14, then 30 calendar days', () => {
  const fifth = addDays('2026-09-14', 5, 'business', 'US');
  expect(fifth).toBe('2026-09-21');
  expect(addDays(fifth, 30, 'calendar', 'US')).toBe('2026-10-21');
});

test('business days across the year boundary', () => {
  // Fri 2027-01-01 is New Year's Day; the weekend follows.
  expect(addDays('2026-12-31', 2, 'business', 'US')).toBe('2027-01-05');
  // Texas closes Dec 24, 25 and 26 (a Saturday in 2026).
  expect(addDays('2026-12-23', 2, 'business', 'US-TX')).toBe('2026-12-29');
  expect(addDays('2026-12-23', 2, 'business', 'US')).toBe('2026-12-28');
});

test('holidays inside a court-day count', () => {
  // Thanksgiving and the day after close California courts, not federal offices on the Friday.
  expect(addDays('2026-11-25', 2, 'court', 'US-CA-judicial')).toBe('2026-12-01');
  expect(addDays('2026-11-25', 2, 'business', 'US')).toBe('2026-11-30');
  // Fri 2026-07-03 is the observed Independence Day except in Texas.
  expect(addDays('2026-07-02', 1, 'court', 'US-NY')).toBe('2026-07-06');
  expect(addDays('2026-07-02', 1, 'court', 'US-TX')).toBe('2026-07-03');
  // Election Day closes New York courts only.
  expect(addDays('2026-11-02', 1, 'court', 'US-NY')).toBe('2026-11-04');
  expect(addDays('2026-11-02', 1, 'court', 'US-FL')).toBe('2026-11-03');
});

test('the start day never counts, whatever it is', () => {
  expect(addDays('2026-07-04', 1, 'business', 'US')).toBe('2026-07-06');
  expect(addDays('2026-07-03', 1, 'business', 'US')).toBe('2026-07-06');
  expect(addDays('2026-03-27', 0, 'court', 'US-CA-judicial')).toBe('2026-03-27');
  expect(addDays('2026-07-04', 0, 'business', 'US')).toBe('2026-07-04');
  expect(addDays('2026-02-27', 2, 'calendar', 'US')).toBe('2026-03-01');
});

test('next business day and business day on or after', () => {
  expect(nextBusinessDay('2026-07-02', 'US')).toBe('2026-07-06');
  expect(nextBusinessDay('2026-07-06', 'US')).toBe('2026-07-07');
  expect(businessDayOnOrAfter('2026-07-06', 'US')).toBe('2026-07-06');
  expect(businessDayOnOrAfter('2026-07-03', 'US')).toBe('2026-07-06');
  expect(businessDayOnOrAfter('2026-07-03', 'US-TX')).toBe('2026-07-03');
  expect(businessDayOnOrAfter('2026-03-28', 'US-CA-judicial')).toBe('2026-03-30');
});

test('a calendar-day period ending on a weekend or holiday extends to the next business day', () => {
  // 2026-06-29 + 4 = Fri 07-03, the observed Independence Day.
  expect(addCalendarDaysExtended('2026-06-29', 4, 'US')).toBe('2026-07-06');
  expect(addCalendarDaysExtended('2026-06-29', 4, 'US-TX')).toBe('2026-07-03');
  // 2026-03-01 + 30 = Tue 03-31: Cesar Chavez Day in California only.
  expect(addCalendarDaysExtended('2026-03-01', 30, 'US-CA-judicial')).toBe('2026-04-01');
  expect(addCalendarDaysExtended('2026-03-01', 30, 'US')).toBe('2026-03-31');
  // Ends on Sat 2026-10-10; Mon 10-12 is Columbus Day federally, not a California court holiday.
  expect(addCalendarDaysExtended('2026-09-10', 30, 'US')).toBe('2026-10-13');
  expect(addCalendarDaysExtended('2026-09-10', 30, 'US-CA-judicial')).toBe('2026-10-12');
  expect(addCalendarDaysExtended('2026-09-10', 0, 'US')).toBe('2026-09-10');
});

test('daysBetween and weekday', () => {
  expect(daysBetween('2026-09-21', '2026-10-21')).toBe(30);
  expect(daysBetween('2026-10-21', '2026-09-21')).toBe(-30);
  // Across both 2026 DST changes in the US and a leap day.
  expect(daysBetween('2026-03-07', '2026-03-09')).toBe(2);
  expect(daysBetween('2026-10-31', '2026-11-02')).toBe(2);
  expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
  expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  expect(weekday('2026-03-29')).toBe(0);
  expect(weekday('2026-03-31')).toBe(2);
  expect(weekday('2026-07-04')).toBe(6);
  expect(weekday('1969-12-31')).toBe(3);
});

test('counts and dates outside what is supported are refused', () => {
  expect(() => addDays('2026-03-27', -1, 'business', 'US')).toThrow(RangeError);
  expect(() => addDays('2026-03-27', 1.5, 'calendar', 'US')).toThrow(/whole number/);
  expect(() => addDays('2023-12-29', 1, 'business', 'US')).toThrow(/2023-12-29 is outside 2024–2032/);
  // Thu 2032-12-30: Dec 31 is the observed New Year of 2033, so the count runs into 2033.
  expect(() => addDays('2032-12-30', 1, 'business', 'US')).toThrow(/2033-01-01 is outside 2024–2032/);
  expect(() => addDays('2032-12-01', 31, 'calendar', 'US')).toThrow(RangeError);
  expect(addDays('2032-12-01', 30, 'calendar', 'US')).toBe('2032-12-31');
  expect(() => nextBusinessDay('2026-13-01', 'US')).toThrow(/YYYY-MM-DD/);
  expect(() => daysBetween('2026-01-01', 'tomorrow')).toThrow(RangeError);
});
