import { AGENCY, COMMERCIAL, LA, LANDLORD, NY, attempt } from './fixtures.ts';
import { checkQuietHours, isConvenient, nextAllowedInstant } from './quiet-hours.ts';

const QUIET = {
  ok: false,
  reason: 'quiet_hours',
  rule: { id: 'US/reg-f-quiet-hours@2021-11-30', citation: '12 CFR 1006.6(b)(1)(i)', verified: true },
};

function check(at: string, zones: { address: string; phone?: string } = { address: LA }, debt = AGENCY) {
  return checkQuietHours(attempt({ at: new Date(at), zones, debt }));
}

describe('quiet hours, one zone (scenario 9)', () => {
  test('20:55 local allowed, 21:01 blocked', () => {
    expect(check('2026-10-01T20:55:00-07:00')).toEqual({ ok: true });
    expect(check('2026-10-01T21:01:00-07:00')).toEqual(QUIET);
  });

  test('the window is [08:00, 21:00)', () => {
    expect(check('2026-10-01T07:59:00-07:00')).toEqual(QUIET);
    expect(check('2026-10-01T08:00:00-07:00')).toEqual({ ok: true });
    expect(check('2026-10-01T20:59:59-07:00')).toEqual({ ok: true });
    expect(check('2026-10-01T21:00:00-07:00')).toEqual(QUIET);
  });

  test('email and sms are judged too; letters never', () => {
    const late = new Date('2026-10-01T23:00:00-07:00');
    expect(checkQuietHours(attempt({ channel: 'email', at: late })).ok).toBe(false);
    expect(checkQuietHours(attempt({ channel: 'sms', at: late })).ok).toBe(false);
    expect(checkQuietHours(attempt({ channel: 'letter', at: late }))).toEqual({ ok: true });
    expect(checkQuietHours(attempt({ channel: 'certified_letter', at: late }))).toEqual({ ok: true });
  });
});

describe('quiet hours, address and phone zones disagree (scenario 9)', () => {
  const zones = { address: LA, phone: NY };
  test('only hours convenient in both', () => {
    expect(check('2026-10-01T08:30:00-07:00', zones)).toEqual({ ok: true }); // 11:30 NY
    expect(check('2026-10-01T17:59:00-07:00', zones)).toEqual({ ok: true }); // 20:59 NY
    expect(check('2026-10-01T18:30:00-07:00', zones)).toEqual(QUIET); // 21:30 NY
    expect(check('2026-10-01T07:30:00-07:00', zones)).toEqual(QUIET); // 10:30 NY, too early in LA
    expect(check('2026-10-01T05:30:00-07:00', zones)).toEqual(QUIET); // 08:30 NY, too early in LA
  });
});

describe('who is bound', () => {
  const PHONE_HOURS = {
    ok: false,
    reason: 'quiet_hours',
    rule: { id: 'ARREARS/phone-contact-hours@2020-01-01', verified: true },
  };

  test('a first-party landlord is not, unless the org opted in: its emails go at any hour', () => {
    const late = new Date('2026-10-01T23:00:00-07:00');
    expect(checkQuietHours(attempt({ channel: 'email', at: late, debt: LANDLORD }))).toEqual({ ok: true });
    expect(checkQuietHours(attempt({ channel: 'email', at: late, debt: { ...LANDLORD, regFForAll: true } }))).toEqual(
      QUIET,
    );
    expect(check('2026-10-01T23:00:00-07:00', { address: LA }, { ...LANDLORD, regFForAll: true })).toEqual(QUIET);
  });

  test("calls and texts nobody's law restricts still keep the product's hours, 8:00 to 21:00 local", () => {
    for (const channel of ['call', 'sms'] as const) {
      const at = (iso: string) => checkQuietHours(attempt({ channel, at: new Date(iso), debt: LANDLORD }));
      expect(at('2026-10-01T00:30:00-07:00')).toMatchObject(PHONE_HOURS);
      expect(at('2026-10-01T21:00:00-07:00')).toMatchObject(PHONE_HOURS);
      expect(at('2026-10-01T08:00:00-07:00')).toEqual({ ok: true });
    }
  });

  test('Florida binds the landlord itself, every electronic channel (Fla. Stat. 559.72(17))', () => {
    const FL = { ...LANDLORD, jurisdiction: 'US-FL' };
    for (const channel of ['email', 'sms', 'call'] as const) {
      expect(
        checkQuietHours(
          attempt({ channel, at: new Date('2026-10-01T22:00:00-04:00'), debt: FL, zones: { address: NY } }),
        ),
      ).toMatchObject({ ok: false, reason: 'quiet_hours', rule: { id: 'US-FL/fccpa-contact-hours@2010-10-01' } });
      expect(
        checkQuietHours(
          attempt({ channel, at: new Date('2026-10-01T10:00:00-04:00'), debt: FL, zones: { address: NY } }),
        ),
      ).toEqual({ ok: true });
    }
  });

  test('every other capacity is', () => {
    for (const collector of ['third_party_manager', 'agency', 'attorney'] as const)
      expect(check('2026-10-01T23:00:00-07:00', { address: LA }, { ...AGENCY, collector })).toEqual(QUIET);
  });

  test('commercial debt never is: a business tenant is not a consumer at home', () => {
    const late = new Date('2026-10-01T23:00:00-07:00');
    for (const debt of [COMMERCIAL, { ...COMMERCIAL, regFForAll: true }, { ...COMMERCIAL, jurisdiction: 'US-FL' }])
      for (const channel of ['email', 'sms', 'call'] as const)
        expect(checkQuietHours(attempt({ channel, at: late, debt }))).toEqual({ ok: true });
  });

  test('an unknown zone fails closed', () => {
    expect(check('2026-10-01T12:00:00-07:00', { address: 'Mars/Olympus' })).toMatchObject({
      ok: false,
      reason: 'unknown_time_zone',
      rule: { id: 'US/reg-f-quiet-hours@2021-11-30' },
    });
    expect(nextAllowedInstant(new Date('2026-10-01T12:00:00Z'), { address: 'Mars/Olympus' })).toBeUndefined();
  });
});

describe('nextAllowedInstant', () => {
  const next = (at: string, zones: { address: string; phone?: string }) =>
    nextAllowedInstant(new Date(at), zones)?.toISOString();

  test('an allowed instant is its own answer', () => {
    expect(next('2026-10-01T20:55:00-07:00', { address: LA })).toBe('2026-10-02T03:55:00.000Z');
  });

  test('after 21:00 it is 08:00 the next local day', () => {
    expect(next('2026-10-01T21:01:00-07:00', { address: LA })).toBe('2026-10-02T15:00:00.000Z');
    expect(next('2026-10-02T07:59:00-07:00', { address: LA })).toBe('2026-10-02T15:00:00.000Z');
  });

  test('convenient in both zones', () => {
    // 18:30 LA is 21:30 NY: next is 08:00 LA (11:00 NY) the next day.
    expect(next('2026-10-01T18:30:00-07:00', { address: LA, phone: NY })).toBe('2026-10-02T15:00:00.000Z');
    // Honolulu is 3 hours behind LA in October: its 08:00 (11:00 LA) is the first instant.
    expect(next('2026-10-01T04:00:00-07:00', { address: LA, phone: 'Pacific/Honolulu' })).toBe(
      '2026-10-01T18:00:00.000Z',
    );
    const at = new Date('2026-10-01T04:00:00-07:00');
    const found = nextAllowedInstant(at, { address: LA, phone: 'Pacific/Honolulu' });
    expect(found && isConvenient(found, { address: LA, phone: 'Pacific/Honolulu' })).toBe(true);
  });
});

describe('DST week (Los Angeles springs forward Sun 2026-03-08)', () => {
  test('the same UTC time changes verdict across the switch', () => {
    expect(check('2026-03-08T04:55:00Z')).toEqual({ ok: true }); // Sat 20:55 PST
    expect(check('2026-03-09T04:55:00Z')).toEqual(QUIET); // Sun 21:55 PDT
    expect(check('2026-03-09T03:55:00Z')).toEqual({ ok: true }); // Sun 20:55 PDT
    expect(check('2026-03-07T15:30:00Z')).toEqual(QUIET); // Sat 07:30 PST
    expect(check('2026-03-09T15:30:00Z')).toEqual({ ok: true }); // Mon 08:30 PDT
  });

  test('rescheduling lands on 08:00 local, not 24 hours later', () => {
    // Sat 22:00 PST -> Sun 08:00 PDT, 9 hours later (not 10).
    expect(nextAllowedInstant(new Date('2026-03-08T06:00:00Z'), { address: LA })?.toISOString()).toBe(
      '2026-03-08T15:00:00.000Z',
    );
    // Fall back: Sat 2026-10-31 22:00 PDT -> Sun 08:00 PST.
    expect(nextAllowedInstant(new Date('2026-11-01T05:00:00Z'), { address: LA })?.toISOString()).toBe(
      '2026-11-01T16:00:00.000Z',
    );
  });

  test('a zone without DST (Phoenix) is an hour ahead of LA before the switch, level after', () => {
    const zones = { address: 'America/Phoenix', phone: LA };
    expect(check('2026-03-07T07:30:00-08:00', zones)).toEqual(QUIET); // 08:30 Phoenix, 07:30 LA
    expect(check('2026-03-07T20:30:00-08:00', zones)).toEqual(QUIET); // 21:30 Phoenix, 20:30 LA
    expect(check('2026-03-09T20:30:00-07:00', zones)).toEqual({ ok: true }); // 20:30 in both
    expect(check('2026-03-09T07:30:00-07:00', zones)).toEqual(QUIET); // 07:30 in both
  });
});
