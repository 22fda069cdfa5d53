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
