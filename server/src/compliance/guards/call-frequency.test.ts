import {
  checkCallAfterConversation,
  checkCallCap,
  checkCallFrequency,
  nextCallAllowedInstant,
} from './call-frequency.ts';
import { AGENCY, COMMERCIAL, LANDLORD, attempt } from './fixtures.ts';

const RULE = { id: 'US/reg-f-call-frequency@2021-11-30', citation: '12 CFR 1006.14(b)(2)', verified: true };
const CAP = { ok: false, reason: 'call_frequency_cap', rule: RULE };
const AFTER_TALK = { ok: false, reason: 'call_after_conversation', rule: RULE };

// One attempt a day at 10:00 PDT, Mon Oct 5 .. Sun Oct 11 2026.
const WEEK = ['05', '06', '07', '08', '09', '10', '11'].map((day) => new Date(`2026-10-${day}T10:00:00-07:00`));

function call(at: string, callHistory: readonly Date[], overrides = {}) {
  return checkCallFrequency(attempt({ at: new Date(at), callHistory, ...overrides }));
}

describe('8th call attempt in any rolling 7 days (scenario 9)', () => {
  test('the 7th is allowed, the 8th blocked', () => {
    expect(call('2026-10-11T10:00:00-07:00', WEEK.slice(0, 6))).toEqual({ ok: true });
    expect(call('2026-10-11T15:00:00-07:00', WEEK)).toEqual(CAP);
  });

  test('allowed again once the oldest attempt leaves the 7×24h window', () => {
    expect(call('2026-10-12T09:59:00-07:00', WEEK)).toEqual(CAP);
    expect(call('2026-10-12T10:00:00-07:00', WEEK)).toEqual({ ok: true });
    expect(nextCallAllowedInstant(new Date('2026-10-11T15:00:00-07:00'), WEEK, []).toISOString()).toBe(
      '2026-10-12T17:00:00.000Z',
    );
  });

  test('seven attempts on one day block the rest of the week', () => {
    const burst = [9, 10, 11, 12, 13, 14, 15].map(
      (h) => new Date(`2026-10-05T${String(h).padStart(2, '0')}:00:00-07:00`),
    );
    expect(call('2026-10-11T20:00:00-07:00', burst)).toEqual(CAP);
    expect(call('2026-10-12T09:00:00-07:00', burst)).toEqual({ ok: true });
  });

  test('attempts recorded after `at` are not counted', () => {
    expect(call('2026-10-11T09:00:00-07:00', WEEK)).toEqual({ ok: true });
  });
});

describe('no call within 7 days after a conversation (scenario 9)', () => {
  const talk = [new Date('2026-10-01T10:00:00-07:00')]; // Thu
  const afterTalk = (at: string) => checkCallAfterConversation(attempt({ at: new Date(at), conversations: talk }));

  test('Thu Oct 1 -> blocked Wed Oct 7, allowed Thu Oct 8 from the same time', () => {
    expect(afterTalk('2026-10-01T16:00:00-07:00')).toEqual(AFTER_TALK);
    expect(afterTalk('2026-10-07T10:00:00-07:00')).toEqual(AFTER_TALK);
    expect(afterTalk('2026-10-08T09:59:00-07:00')).toEqual(AFTER_TALK);
    expect(afterTalk('2026-10-08T10:00:00-07:00')).toEqual({ ok: true });
    expect(afterTalk('2026-10-08T14:00:00-07:00')).toEqual({ ok: true });
    expect(nextCallAllowedInstant(new Date('2026-10-07T10:00:00-07:00'), [], talk).toISOString()).toBe(
      '2026-10-08T17:00:00.000Z',
    );
  });

  test('a conversation after `at` does not block it', () => {
    expect(afterTalk('2026-09-30T10:00:00-07:00')).toEqual({ ok: true });
  });

  test('7×24h spans a DST switch in absolute time', () => {
    // Thu Mar 5 14:00 PST + 168h = Thu Mar 12 15:00 PDT.
    const march = [new Date('2026-03-05T14:00:00-08:00')];
    const at = (iso: string) => checkCallAfterConversation(attempt({ at: new Date(iso), conversations: march }));
    expect(at('2026-03-12T14:30:00-07:00')).toEqual(AFTER_TALK);
    expect(at('2026-03-12T15:00:00-07:00')).toEqual({ ok: true });
  });
});

describe('scope', () => {
  const talk = [new Date('2026-10-01T10:00:00-07:00')];
  const at = new Date('2026-10-11T15:00:00-07:00');

  test('only calls are counted against', () => {
    for (const channel of ['sms', 'email', 'letter', 'certified_letter'] as const)
      expect(checkCallFrequency(attempt({ channel, at, callHistory: WEEK, conversations: talk }))).toEqual({
        ok: true,
      });
  });

  test('first party only with regFForAll; commercial never', () => {
    expect(checkCallCap(attempt({ at, callHistory: WEEK, debt: LANDLORD }))).toEqual({ ok: true });
    expect(checkCallCap(attempt({ at, callHistory: WEEK, debt: { ...LANDLORD, regFForAll: true } }))).toEqual(CAP);
    expect(checkCallCap(attempt({ at, callHistory: WEEK, debt: COMMERCIAL }))).toEqual({ ok: true });
    expect(checkCallCap(attempt({ at, callHistory: WEEK, debt: AGENCY }))).toEqual(CAP);
  });

  test('the cap is reported before the conversation block', () => {
    expect(call('2026-10-11T15:00:00-07:00', WEEK, { conversations: [new Date('2026-10-11T10:00:00-07:00')] })).toEqual(
      CAP,
    );
  });
});
