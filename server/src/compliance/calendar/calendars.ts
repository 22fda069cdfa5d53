/**
 * Holiday calendars as data. A holiday with `verified: false` is still applied; the flag says no
 * official list confirmed it (or its weekend observance), so a legal step that depends on it needs
 * a person to check. Sources were checked for 2024–2026; the rules are assumed stable to 2032.
 */

export type HolidayCalendarId = 'US' | 'US-CA-judicial' | 'US-NY' | 'US-TX' | 'US-FL';

export type HolidayRule =
  | { readonly type: 'fixed'; readonly month: number; readonly day: number }
  /** `n`-th (1–4) `weekday` (0 = Sunday) of the month. */
  | { readonly type: 'nth_weekday'; readonly month: number; readonly weekday: number; readonly n: number }
  | { readonly type: 'last_weekday'; readonly month: number; readonly weekday: number }
  /** First `weekday` on or after month/day; "the Tuesday after the first Monday" needs this. */
  | { readonly type: 'weekday_on_or_after'; readonly month: number; readonly day: number; readonly weekday: number }
  /** `days` after the actual (not observed) date of another holiday of the same calendar. */
  | { readonly type: 'relative'; readonly to: string; readonly days: number };

/**
 * How a holiday on a weekend moves: `federal` = Saturday to the Friday before, Sunday to the Monday
 * after (5 U.S.C. 6103(b), and the same mechanics for state rules that say so).
 */
export type Observance = 'federal' | 'sunday_to_monday' | 'none';

export interface HolidayDefinition {
  readonly name: string;
  readonly rule: HolidayRule;
  readonly observed: Observance;
  /** First year the holiday exists; absent when it predates every supported year. */
  readonly from_year?: number;
  readonly verified: boolean;
  readonly citation?: string;
}

export interface HolidayCalendar {
  readonly id: HolidayCalendarId;
  readonly name: string;
  readonly citation: string;
  readonly holidays: readonly HolidayDefinition[];
}

const MON = 1;
const TUE = 2;
const THU = 4;
const FRI = 5;

const fixed = (month: number, day: number): HolidayRule => ({ type: 'fixed', month, day });
const nth = (month: number, weekday: number, n: number): HolidayRule => ({ type: 'nth_weekday', month, weekday, n });
const last = (month: number, weekday: number): HolidayRule => ({ type: 'last_weekday', month, weekday });
const after = (to: string, days: number): HolidayRule => ({ type: 'relative', to, days });
const thanksgiving = nth(11, THU, 4);

const US: HolidayCalendar = {
  id: 'US',
  name: 'United States federal holidays',
  citation: '5 U.S.C. 6103(a); observance per 5 U.S.C. 6103(b) and Executive Order 11582',
  // Inauguration Day (DC area only) and ad hoc executive-order closures are not predictable rules.
  holidays: [
    { name: "New Year's Day", rule: fixed(1, 1), observed: 'federal', verified: true },
    { name: 'Birthday of Martin Luther King, Jr.', rule: nth(1, MON, 3), observed: 'federal', verified: true },
    { name: "Washington's Birthday", rule: nth(2, MON, 3), observed: 'federal', verified: true },
    { name: 'Memorial Day', rule: last(5, MON), observed: 'federal', verified: true },
    {
      name: 'Juneteenth National Independence Day',
      rule: fixed(6, 19),
      observed: 'federal',
      from_year: 2021,
      verified: true,
      citation: 'Pub. L. 117-17',
    },
    { name: 'Independence Day', rule: fixed(7, 4), observed: 'federal', verified: true },
    { name: 'Labor Day', rule: nth(9, MON, 1), observed: 'federal', verified: true },
    { name: 'Columbus Day', rule: nth(10, MON, 2), observed: 'federal', verified: true },
    { name: 'Veterans Day', rule: fixed(11, 11), observed: 'federal', verified: true },
    { name: 'Thanksgiving Day', rule: thanksgiving, observed: 'federal', verified: true },
    { name: 'Christmas Day', rule: fixed(12, 25), observed: 'federal', verified: true },
  ],
};

// CCP 135 adopts every full-day Gov. Code 6700 holiday except Admission Day (Sep 9), Columbus Day,
// Lunar New Year and Genocide Remembrance Day; Good Friday noon–3pm is not a full day. Contrary to
// a common belief, courts DO move a Saturday holiday to Friday: Cal. Rules of Court, rule 1.11
// ("must observe the holiday on the preceding Friday"); the Judicial Council's 2026 list closes
// courts on Fri 2026-07-03 for Independence Day.
const CA_JUDICIAL: HolidayCalendar = {
  id: 'US-CA-judicial',
  name: 'California judicial holidays',
  citation:
    'Cal. Code Civ. Proc. 135; Cal. Gov. Code 6700; Cal. Rules of Court, rule 1.11; Judicial Council 2026 court holiday list',
  holidays: [
    { name: "New Year's Day", rule: fixed(1, 1), observed: 'federal', verified: true },
    { name: 'Martin Luther King, Jr. Day', rule: nth(1, MON, 3), observed: 'federal', verified: true },
    { name: 'Lincoln Day', rule: fixed(2, 12), observed: 'federal', verified: true },
    { name: "Presidents' Day", rule: nth(2, MON, 3), observed: 'federal', verified: true },
    { name: 'Cesar Chavez Day', rule: fixed(3, 31), observed: 'federal', verified: true },
    { name: 'Memorial Day', rule: last(5, MON), observed: 'federal', verified: true },
    { name: 'Juneteenth', rule: fixed(6, 19), observed: 'federal', verified: true },
    { name: 'Independence Day', rule: fixed(7, 4), observed: 'federal', verified: true },
    { name: 'Labor Day', rule: nth(9, MON, 1), observed: 'federal', verified: true },
    {
      name: 'Native American Day',
      rule: nth(9, FRI, 4),
      observed: 'federal',
      verified: true,
      citation: 'Cal. Code Civ. Proc. 135 as amended by AB 855 (Stats. 2021, ch. 283)',
    },
    { name: 'Veterans Day', rule: fixed(11, 11), observed: 'federal', verified: true },
    { name: 'Thanksgiving Day', rule: thanksgiving, observed: 'federal', verified: true },
    { name: 'Day after Thanksgiving', rule: after('Thanksgiving Day', 1), observed: 'federal', verified: true },
    { name: 'Christmas Day', rule: fixed(12, 25), observed: 'federal', verified: true },
  ],
};

// GCL 24 itself moves only Sunday holidays (to Monday). The Friday-before rule for Saturday holidays
// is what court closings show (e.g. state courts closed Fri 2017-11-10 for Veterans Day), but no
// official Unified Court System statement of it was found, so each fixed-date holiday that can fall
// on a Saturday is unverified: the day itself is certain, its Saturday observance is not. Flag Day
// (second Sunday in June) is a GCL 24 holiday that is always a Sunday, so it is left out.
const GCL_24 = 'N.Y. Gen. Constr. Law 24';
const NY: HolidayCalendar = {
  id: 'US-NY',
  name: 'New York State Unified Court System holidays',
  citation: 'N.Y. Gen. Constr. Law 24; N.Y. Unified Court System holiday schedule (2024 list checked)',
  holidays: [
    // Unverified: Saturday→Friday observance (see above).
    { name: "New Year's Day", rule: fixed(1, 1), observed: 'federal', verified: false, citation: GCL_24 },
    { name: 'Dr. Martin Luther King, Jr. Day', rule: nth(1, MON, 3), observed: 'federal', verified: true },
    // Unverified: Saturday→Friday observance (see above).
    { name: "Lincoln's Birthday", rule: fixed(2, 12), observed: 'federal', verified: false, citation: GCL_24 },
    { name: "Washington's Birthday", rule: nth(2, MON, 3), observed: 'federal', verified: true },
    { name: 'Memorial Day', rule: last(5, MON), observed: 'federal', verified: true },
    // Unverified: Saturday→Friday observance (see above).
    {
      name: 'Juneteenth',
      rule: fixed(6, 19),
      observed: 'federal',
      from_year: 2020,
      verified: false,
      citation: 'N.Y. Gen. Constr. Law 24 (L. 2020, ch. 249)',
    },
    // Unverified: Saturday→Friday observance (see above); decides whether Fri 2026-07-03 is closed.
    { name: 'Independence Day', rule: fixed(7, 4), observed: 'federal', verified: false, citation: GCL_24 },
    { name: 'Labor Day', rule: nth(9, MON, 1), observed: 'federal', verified: true },
    { name: 'Columbus Day', rule: nth(10, MON, 2), observed: 'federal', verified: true },
    {
      // "Each general election day" (held every November, odd years too); on the UCS closing list.
      name: 'Election Day',
      rule: { type: 'weekday_on_or_after', month: 11, day: 2, weekday: TUE },
      observed: 'none',
      verified: true,
      citation: GCL_24,
    },
    // Unverified: Saturday→Friday observance (see above).
    { name: "Veterans' Day", rule: fixed(11, 11), observed: 'federal', verified: false, citation: GCL_24 },
    { name: 'Thanksgiving Day', rule: thanksgiving, observed: 'federal', verified: true },
    // Unverified: Saturday→Friday observance (see above).
    { name: 'Christmas Day', rule: fixed(12, 25), observed: 'federal', verified: false, citation: GCL_24 },
  ],
};

// State offices close on the 662.003(a) national holidays and on the three 662.004(b) days; the
// other 662.003(b) state holidays (Confederate Heroes Day, Texas Independence Day, San Jacinto Day,
// Emancipation Day June 19, LBJ Day) are skeleton-crew days with offices open, so they are left out.
// A holiday on a weekend is not observed on another day (Comptroller/SAO holiday schedules). Texas
// has no statewide court calendar: county and justice courts follow their commissioners court.
const TX_662_004 = 'Tex. Gov. Code 662.003(b), 662.004(b)';
const TX: HolidayCalendar = {
  id: 'US-TX',
  name: 'Texas state holidays on which state offices close',
  citation: 'Tex. Gov. Code 662.003, 662.004; Texas State Auditor holiday schedule',
  holidays: [
    { name: "New Year's Day", rule: fixed(1, 1), observed: 'none', verified: true },
    { name: 'Martin Luther King, Jr., Day', rule: nth(1, MON, 3), observed: 'none', verified: true },
    { name: "Presidents' Day", rule: nth(2, MON, 3), observed: 'none', verified: true },
    { name: 'Memorial Day', rule: last(5, MON), observed: 'none', verified: true },
    { name: 'Independence Day', rule: fixed(7, 4), observed: 'none', verified: true },
    { name: 'Labor Day', rule: nth(9, MON, 1), observed: 'none', verified: true },
    { name: 'Veterans Day', rule: fixed(11, 11), observed: 'none', verified: true },
    { name: 'Thanksgiving Day', rule: thanksgiving, observed: 'none', verified: true },
    // Unverified for courts: state offices close by statute, but whether county and justice courts
    // (which hear evictions) close on this and the two December days varies by county.
    {
      name: 'Friday after Thanksgiving',
      rule: after('Thanksgiving Day', 1),
      observed: 'none',
      verified: false,
      citation: TX_662_004,
    },
    // Unverified for courts: see Friday after Thanksgiving.
    { name: 'Christmas Eve', rule: fixed(12, 24), observed: 'none', verified: false, citation: TX_662_004 },
    { name: 'Christmas Day', rule: fixed(12, 25), observed: 'none', verified: true },
    // Unverified for courts: see Friday after Thanksgiving.
    { name: 'Day after Christmas', rule: fixed(12, 26), observed: 'none', verified: false, citation: TX_662_004 },
  ],
};

// Fla. Stat. 83.56(3) counts "court-observed holidays only". The statewide floor is the Fla. Stat.
// 110.117 list, which binds every state branch, courts included, with its own Saturday→Friday and
// Sunday→Monday rule. Circuits add days by chief-judge order (Good Friday, Rosh Hashanah, Yom
// Kippur, Christmas Eve, day after Christmas, Juneteenth in some years) and those differ by circuit,
// so they are not in this calendar.
const FL: HolidayCalendar = {
  id: 'US-FL',
  name: 'Florida state courts holidays (statewide floor)',
  citation: 'Fla. Stat. 110.117(1); Fla. Stat. 83.56(3)',
  holidays: [
    { name: "New Year's Day", rule: fixed(1, 1), observed: 'federal', verified: true },
    { name: 'Birthday of Martin Luther King, Jr.', rule: nth(1, MON, 3), observed: 'federal', verified: true },
    { name: 'Memorial Day', rule: last(5, MON), observed: 'federal', verified: true },
    { name: 'Independence Day', rule: fixed(7, 4), observed: 'federal', verified: true },
    { name: 'Labor Day', rule: nth(9, MON, 1), observed: 'federal', verified: true },
    { name: "Veterans' Day", rule: fixed(11, 11), observed: 'federal', verified: true },
    { name: 'Thanksgiving Day', rule: thanksgiving, observed: 'federal', verified: true },
    { name: 'Friday after Thanksgiving', rule: after('Thanksgiving Day', 1), observed: 'federal', verified: true },
    { name: 'Christmas Day', rule: fixed(12, 25), observed: 'federal', verified: true },
  ],
};

export const HOLIDAY_CALENDARS: Readonly<Record<HolidayCalendarId, HolidayCalendar>> = {
  US,
  'US-CA-judicial': CA_JUDICIAL,
  'US-NY': NY,
  'US-TX': TX,
  'US-FL': FL,
};
