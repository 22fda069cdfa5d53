import { planNotice } from './notices.ts';
import { leaseFacts, rent } from './testing/facts-fixture.ts';

// The holiday calendars are checked for 2024–2032. A court-day count that runs past them is
// refused for that one notice (with a stable reason), never guessed and never a crash.

test('a pay-or-quit whose court days would run into 2033 is refused, one inside the years is planned', () => {
  const facts = (today: string) => leaseFacts(today, { open_charges: [rent('2032-12-01', 180_000)] });
  expect(planNotice('pay_or_quit', facts('2032-12-29'), '2032-12-29')).toEqual({
    ok: false,
    reason: 'calendar_year_unsupported',
    rule: expect.objectContaining({ id: 'US-CA/pay-or-quit@2019-01-01' }),
  });
  expect(planNotice('pay_or_quit', facts('2032-12-20'), '2032-12-20')).toMatchObject({
    ok: true,
    terms: { expires_on: '2032-12-23' },
  });
});

// A calendar-day period whose last day is a Saturday, Sunday or holiday runs to the next business
// day: New York (Gen. Constr. Law 25-a) and Texas (Gov. Code 311.014). The tenant may pay or
// leave on that day, so the referral waits for the day after it.
test('a New York 14-day demand ending on New Year’s Day runs to Monday Jan 4; a Texas notice to vacate ending on a Sunday to Monday', () => {
  const facts = (jurisdiction: string, today: string, due: string) => {
    const base = leaseFacts(today, { open_charges: [rent(due, 150_000)] });
    return { ...base, property: { ...base.property, jurisdiction, timezone: 'America/New_York' } };
  };
  expect(planNotice('rent_demand_14_day', facts('US-NY', '2026-12-18', '2026-12-01'), '2026-12-18')).toMatchObject({
    ok: true,
    terms: { expires_on: '2027-01-04', earliest_next_step_on: '2027-01-05' },
  });
  // Served Thu Dec 3: Dec 17 is a Thursday, nothing to extend.
  expect(planNotice('rent_demand_14_day', facts('US-NY', '2026-12-03', '2026-11-01'), '2026-12-03')).toMatchObject({
    terms: { expires_on: '2026-12-17' },
  });
  // Texas, served Mon Dec 8 2025: Thu Dec 11. Served Thu Jan 8 2026: Sun Jan 11, so Mon Jan 12.
  expect(planNotice('notice_to_vacate', facts('US-TX', '2025-12-08', '2025-12-01'), '2025-12-08')).toMatchObject({
    terms: { expires_on: '2025-12-11' },
  });
  expect(planNotice('notice_to_vacate', facts('US-TX', '2026-01-08', '2026-01-01'), '2026-01-08')).toMatchObject({
    terms: { expires_on: '2026-01-12', earliest_next_step_on: '2026-01-13' },
  });
});
