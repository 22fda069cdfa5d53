import { HOLIDAY_CALENDARS } from './calendars.ts';
import type { HolidayCalendarId } from './calendars.ts';
import { holidayName, holidaysIn, isBusinessDay, isHoliday } from './holidays.ts';

// Written by hand from the 2026 wall calendar and the official lists cited in calendars.ts;
// [date, name, observed].
type Row = [string, string, boolean];

const EXPECTED_2026: Record<HolidayCalendarId, Row[]> = {
  US: [
    ['2026-01-01', "New Year's Day", false],
    ['2026-01-19', 'Birthday of Martin Luther King, Jr.', false],
    ['2026-02-16', "Washington's Birthday", false],
    ['2026-05-25', 'Memorial Day', false],
    ['2026-06-19', 'Juneteenth National Independence Day', false],
    ['2026-07-03', 'Independence Day (observed)', true],
    ['2026-07-04', 'Independence Day', false],
    ['2026-09-07', 'Labor Day', false],
    ['2026-10-12', 'Columbus Day', false],
    ['2026-11-11', 'Veterans Day', false],
    ['2026-11-26', 'Thanksgiving Day', false],
    ['2026-12-25', 'Christmas Day', false],
  ],
  // Matches the Judicial Council's 2026 list, which closes courts on Fri 07-03.
  'US-CA-judicial': [
    ['2026-01-01', "New Year's Day", false],
    ['2026-01-19', 'Martin Luther King, Jr. Day', false],
    ['2026-02-12', 'Lincoln Day', false],
    ['2026-02-16', "Presidents' Day", false],
    ['2026-03-31', 'Cesar Chavez Day', false],
    ['2026-05-25', 'Memorial Day', false],
    ['2026-06-19', 'Juneteenth', false],
    ['2026-07-03', 'Independence Day (observed)', true],
    ['2026-07-04', 'Independence Day', false],
    ['2026-09-07', 'Labor Day', false],
    ['2026-09-25', 'Native American Day', false],
    ['2026-11-11', 'Veterans Day', false],
    ['2026-11-26', 'Thanksgiving Day', false],
    ['2026-11-27', 'Day after Thanksgiving', false],
    ['2026-12-25', 'Christmas Day', false],
  ],
  'US-NY': [
    ['2026-01-01', "New Year's Day", false],
    ['2026-01-19', 'Dr. Martin Luther King, Jr. Day', false],
    ['2026-02-12', "Lincoln's Birthday", false],
    ['2026-02-16', "Washington's Birthday", false],
    ['2026-05-25', 'Memorial Day', false],
    ['2026-06-19', 'Juneteenth', false],
    ['2026-07-03', 'Independence Day (observed)', true],
    ['2026-07-04', 'Independence Day', false],
    ['2026-09-07', 'Labor Day', false],
    ['2026-10-12', 'Columbus Day', false],
    ['2026-11-03', 'Election Day', false],
    ['2026-11-11', "Veterans' Day", false],
    ['2026-11-26', 'Thanksgiving Day', false],
    ['2026-12-25', 'Christmas Day', false],
  ],
  // Weekend holidays are not moved in Texas: no observed rows.
  'US-TX': [
    ['2026-01-01', "New Year's Day", false],
    ['2026-01-19', 'Martin Luther King, Jr., Day', false],
    ['2026-02-16', "Presidents' Day", false],
    ['2026-05-25', 'Memorial Day', false],
    ['2026-07-04', 'Independence Day', false],
    ['2026-09-07', 'Labor Day', false],
    ['2026-11-11', 'Veterans Day', false],
    ['2026-11-26', 'Thanksgiving Day', false],
    ['2026-11-27', 'Friday after Thanksgiving', false],
    ['2026-12-24', 'Christmas Eve', false],
    ['2026-12-25', 'Christmas Day', false],
    ['2026-12-26', 'Day after Christmas', false],
  ],
  'US-FL': [
    ['2026-01-01', "New Year's Day", false],
    ['2026-01-19', 'Birthday of Martin Luther King, Jr.', false],
    ['2026-05-25', 'Memorial Day', false],
    ['2026-07-03', 'Independence Day (observed)', true],
    ['2026-07-04', 'Independence Day', false],
    ['2026-09-07', 'Labor Day', false],
    ['2026-11-11', "Veterans' Day", false],
    ['2026-11-26', 'Thanksgiving Day', false],
    ['2026-11-27', 'Friday after Thanksgiving', false],
    ['2026-12-25', 'Christmas Day', false],
  ],
};

const CALENDARS = Object.keys(EXPECTED_2026) as HolidayCalendarId[];

test.each(CALENDARS)('every 2026 holiday of %s, in date order', (calendar) => {
  const rows = holidaysIn(calendar, 2026).map((h): Row => [h.date, h.name, h.observed]);
  expect(rows).toEqual(EXPECTED_2026[calendar]);
});

test.each(CALENDARS.flatMap((calendar) => EXPECTED_2026[calendar].map((row) => [calendar, ...row] as const)))(
  '%s: %s is %s',
  (calendar, date, name) => {
    expect(isHoliday(calendar, date)).toBe(true);
    expect(holidayName(calendar, date)).toBe(name);
  },
);

test('2026 anchors', () => {
  expect(holidayName('US-CA-judicial', '2026-03-31')).toBe('Cesar Chavez Day');
  expect(isBusinessDay('US', '2026-07-03')).toBe(false);
  expect(isBusinessDay('US-TX', '2026-07-03')).toBe(true);
  expect(isBusinessDay('US', '2026-06-19')).toBe(false);
  expect(isBusinessDay('US-FL', '2026-06-19')).toBe(true);
  expect(isBusinessDay('US', '2026-11-26')).toBe(false);
  expect(isBusinessDay('US', '2026-11-27')).toBe(true);
  expect(isBusinessDay('US-CA-judicial', '2026-11-27')).toBe(false);
  expect(holidayName('US', '2026-03-31')).toBeUndefined();
  expect(isBusinessDay('US', '2026-07-06')).toBe(true);
  expect(isBusinessDay('US', '2026-07-05')).toBe(false);
});

test('a Sunday holiday is observed on Monday', () => {
  // 2027-07-04 is a Sunday; Texas does not move it.
  expect(holidayName('US', '2027-07-05')).toBe('Independence Day (observed)');
  expect(isBusinessDay('US-TX', '2027-07-05')).toBe(true);
  // 2024-03-31 was a Sunday; California courts closed Mon 2024-04-01.
  expect(holidayName('US-CA-judicial', '2024-04-01')).toBe('Cesar Chavez Day (observed)');
});

test('a Saturday New Year is observed on Dec 31 of the year before', () => {
  // 2028-01-01 is a Saturday.
  expect(holidaysIn('US', 2027).slice(-3)).toEqual([
    { date: '2027-12-24', name: 'Christmas Day (observed)', observed: true },
    { date: '2027-12-25', name: 'Christmas Day', observed: false },
    { date: '2027-12-31', name: "New Year's Day (observed)", observed: true },
  ]);
  expect(holidaysIn('US', 2028)[0]).toEqual({ date: '2028-01-01', name: "New Year's Day", observed: false });
  expect(isBusinessDay('US-CA-judicial', '2027-12-31')).toBe(false);
  expect(isBusinessDay('US-TX', '2027-12-31')).toBe(true);
  // 2033-01-01 is a Saturday too: the last supported year still gets its Dec 31.
  expect(holidayName('US', '2032-12-31')).toBe("New Year's Day (observed)");
});

test('Election Day is the Tuesday after the first Monday in November', () => {
  // From the Unified Court System's 2024 list.
  expect(holidayName('US-NY', '2024-11-05')).toBe('Election Day');
  // 2028-11-01 is a Wednesday: first Monday Nov 6, Election Day Nov 7.
  expect(holidayName('US-NY', '2028-11-07')).toBe('Election Day');
  // 2032-11-01 is a Monday: Election Day is Nov 2.
  expect(holidayName('US-NY', '2032-11-02')).toBe('Election Day');
  expect(isHoliday('US', '2028-11-07')).toBe(false);
});

test('every calendar has a citation and every unverified holiday names a source', () => {
  for (const calendar of Object.values(HOLIDAY_CALENDARS)) {
    expect(calendar.citation).not.toBe('');
    for (const holiday of calendar.holidays) {
      if (!holiday.verified) expect(holiday.citation).toBeTruthy();
    }
  }
  const unverified = Object.values(HOLIDAY_CALENDARS).flatMap((c) =>
    c.holidays.filter((h) => !h.verified).map((h) => `${c.id}/${h.name}`),
  );
  expect(unverified).toEqual([
    "US-NY/New Year's Day",
    "US-NY/Lincoln's Birthday",
    'US-NY/Juneteenth',
    'US-NY/Independence Day',
    "US-NY/Veterans' Day",
    'US-NY/Christmas Day',
    'US-TX/Friday after Thanksgiving',
    'US-TX/Christmas Eve',
    'US-TX/Day after Christmas',
  ]);
});

test('years outside 2024–2032 are refused', () => {
  expect(() => holidaysIn('US', 2023)).toThrow(RangeError);
  expect(() => holidaysIn('US', 2033)).toThrow(/2024–2032/);
  expect(() => isHoliday('US', '2023-12-25')).toThrow(RangeError);
  expect(() => isBusinessDay('US-NY', '2033-01-03')).toThrow(/2033-01-03 is outside 2024–2032/);
  expect(holidaysIn('US', 2024)).toHaveLength(11);
  expect(holidaysIn('US-FL', 2032).length).toBeGreaterThan(0);
});

test('bad input is refused', () => {
  expect(() => isHoliday('US', '2026-02-30')).toThrow(RangeError);
  expect(() => isHoliday('US', '2026-2-3')).toThrow(/YYYY-MM-DD/);
  expect(() => holidaysIn('US-ZZ' as HolidayCalendarId, 2026)).toThrow(/Unknown holiday calendar/);
  expect(() => holidaysIn('toString' as HolidayCalendarId, 2026)).toThrow(/Unknown holiday calendar/);
});

test('holidaysIn returns a copy', () => {
  const first = holidaysIn('US', 2026);
  first.pop();
  expect(holidaysIn('US', 2026)).toHaveLength(12);
});

test('an out-of-range weekend day is refused like any other day', () => {
  expect(() => isBusinessDay('US', '2033-01-01')).toThrow(RangeError);
});
