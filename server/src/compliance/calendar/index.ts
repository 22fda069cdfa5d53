export { HOLIDAY_CALENDARS } from './calendars.ts';
export type { HolidayCalendar, HolidayCalendarId, HolidayDefinition, HolidayRule, Observance } from './calendars.ts';
export { CalendarYearUnsupported, SUPPORTED_YEARS, daysBetween, weekday } from './dates.ts';
export { holidayCalendar, holidayName, holidaysIn, isBusinessDay, isHoliday } from './holidays.ts';
export type { Holiday } from './holidays.ts';
export { addCalendarDaysExtended, addDays, businessDayOnOrAfter, nextBusinessDay } from './day-count.ts';
export type { DayCounting } from './day-count.ts';
