import {
  callsInWindow,
  checkCallAfterConversation,
  checkCallCap,
  checkCallFrequency,
  nextCallAllowedInstant,
} from './call-frequency.ts';
import { AGENCY, COMMERCIAL, LA, LANDLORD, NY, attempt } from './fixtures.ts';
import type { ContactZones } from './types.ts';

const RULE = { id: 'US/reg-f-call-frequency@2021-11-30', citation: '12 CFR 1006.14(b)(2)', verified: true };
const CAP = { ok: false, reason: 'call_frequency_cap', rule: RULE };
const AFTER_TALK = { ok: false, reason: 'call_after_conversation', rule: RULE };
const UNKNOWN_ZONE = { ok: false, reason: 'unknown_time_zone', rule: RULE };
const OK = { ok: true };
const BOTH = { address: LA, phone: NY };

// One attempt a day at 10:00 PDT, Mon Oct 5 .. Sun Oct 11 2026.
const WEEK = ['05', '06', '07', '08', '09', '10', '11'].map((day) => new Date(`2026-10-${day}T10:00:00-07:00`));

function call(at: string, callHistory: readonly Date[], overrides = {}) {
  return checkCallFrequency(attempt({ at: new Date(at), callHistory, ...overrides }));
}

describe('more than 7 calls within 7 consecutive days (12 CFR 1006.14(b)(2)(i)(A))', () => {
  test('the 7th is allowed, the 8th blocked (scenario 9)', () => {
    expect(call('2026-10-11T10:00:00-07:00', WEEK.slice(0, 6))).toEqual(OK);
    expect(call('2026-10-11T15:00:00-07:00', WEEK)).toEqual(CAP);
    expect(call('2026-10-11T23:59:00-07:00', WEEK)).toEqual(CAP);
  });

  test('days are calendar days: allowed from the start of the day the oldest call leaves', () => {
    // Oct 6..12 holds six calls, whatever the hour of the one on Oct 5.
    expect(call('2026-10-12T00:00:00-07:00', WEEK)).toEqual(OK);
    expect(call('2026-10-12T09:59:00-07:00', WEEK)).toEqual(OK);
    expect(nextCallAllowedInstant(new Date('2026-10-11T15:00:00-07:00'), WEEK, [], { address: LA })).toEqual(
      new Date('2026-10-12T00:00:00-07:00'),
    );
  });

  test('7 calls Mar 2-4, none after: Sun Mar 8 blocked, Mon Mar 9 09:00 allowed (Mar 3-9 holds 4)', () => {
    const calls = [
      '2026-03-02T10:00:00-08:00',
      '2026-03-02T12:00:00-08:00',
      '2026-03-02T14:00:00-08:00',
      '2026-03-03T10:00:00-08:00',
      '2026-03-03T12:00:00-08:00',
      '2026-03-04T10:00:00-08:00',
      '2026-03-04T12:00:00-08:00',
    ].map((at) => new Date(at));
    expect(call('2026-03-08T20:00:00-07:00', calls)).toEqual(CAP);
    expect(callsInWindow(new Date('2026-03-09T09:00:00-07:00'), calls, { address: LA })).toBe(4);
    expect(call('2026-03-09T09:00:00-07:00', calls)).toEqual(OK);
  });

  test('seven attempts on one day block the six days after it, not the seventh', () => {
    const burst = [9, 10, 11, 12, 13, 14, 15].map(
      (h) => new Date(`2026-10-05T${String(h).padStart(2, '0')}:00:00-07:00`),
    );
    expect(call('2026-10-11T20:00:00-07:00', burst)).toEqual(CAP);
    expect(call('2026-10-12T08:00:00-07:00', burst)).toEqual(OK);
  });

  test('every zone of the tenant counts: the phone zone’s day can hold the calls the address’s does not', () => {
    // Mon Oct 5 21:00-23:00 PDT is already Tue Oct 6 in New York, so there Oct 6..12 holds all seven.
    const late = [0, 10, 20, 30, 40, 50, 59].map(
      (m) => new Date(`2026-10-05T22:${String(m).padStart(2, '0')}:00-07:00`),
    );
    expect(call('2026-10-12T08:30:00-07:00', late)).toEqual(OK);
    expect(call('2026-10-12T08:30:00-07:00', late, { zones: BOTH })).toEqual(CAP);
    expect(callsInWindow(new Date('2026-10-12T08:30:00-07:00'), late, BOTH)).toBe(7);
    expect(nextCallAllowedInstant(new Date('2026-10-12T08:30:00-07:00'), late, [], BOTH)).toEqual(
      new Date('2026-10-13T00:00:00-04:00'),
    );
  });

  test('attempts recorded after `at` are not counted', () => {
    expect(call('2026-10-11T09:00:00-07:00', WEEK)).toEqual(OK);
  });

  test('an unknown zone fails closed', () => {
    const mars = { zones: { address: 'Mars/Olympus' } };
    expect(call('2026-10-11T10:00:00-07:00', WEEK, mars)).toEqual(UNKNOWN_ZONE);
    expect(call('2026-10-11T10:00:00-07:00', [], { ...mars, conversations: [WEEK[0]] })).toEqual(UNKNOWN_ZONE);
    // Nothing to count, no day to tell: quiet hours alone reports the zone.
    expect(call('2026-10-11T10:00:00-07:00', [], mars)).toEqual(OK);
    expect(nextCallAllowedInstant(new Date('2026-10-11T10:00:00-07:00'), WEEK, [], { address: 'Mars/Olympus' })).toBe(
      undefined,
    );
  });
});

describe('no call within 7 days after a conversation; its date is day 1 (1006.14(b)(2)(i)(B))', () => {
  const talk = [new Date('2026-10-01T16:00:00-07:00')]; // Thu
  const afterTalk = (at: string, overrides = {}) =>
    checkCallAfterConversation(attempt({ at: new Date(at), conversations: talk, ...overrides }));

  test('Thu Oct 1 16:00 -> blocked through Wed Oct 7, allowed all of Thu Oct 8 (scenario 9)', () => {
    expect(afterTalk('2026-10-01T16:30:00-07:00')).toEqual(AFTER_TALK);
    expect(afterTalk('2026-10-07T10:00:00-07:00')).toEqual(AFTER_TALK);
    expect(afterTalk('2026-10-07T23:59:00-07:00')).toEqual(AFTER_TALK);
    expect(afterTalk('2026-10-08T00:00:00-07:00')).toEqual(OK);
    expect(afterTalk('2026-10-08T15:00:00-07:00')).toEqual(OK);
    expect(nextCallAllowedInstant(new Date('2026-10-07T10:00:00-07:00'), [], talk, { address: LA })).toEqual(
      new Date('2026-10-08T00:00:00-07:00'),
    );
  });

  test('a conversation after `at` does not block it', () => {
    expect(afterTalk('2026-10-01T15:00:00-07:00')).toEqual(OK);
    expect(afterTalk('2026-09-30T10:00:00-07:00')).toEqual(OK);
  });

  test('days, not hours, across a DST switch: Thu Mar 5 20:30 PST frees Thu Mar 12 from 00:00 PDT', () => {
    const march = [new Date('2026-03-05T20:30:00-08:00')];
    const at = (iso: string) => checkCallAfterConversation(attempt({ at: new Date(iso), conversations: march }));
    expect(at('2026-03-11T23:59:00-07:00')).toEqual(AFTER_TALK);
    expect(at('2026-03-12T08:00:00-07:00')).toEqual(OK);
  });

  test('address and phone zones differ: allowed only once it is day 8 in both', () => {
    // Thu Oct 1 22:30 PDT is Fri Oct 2 01:30 in New York: day 8 there is Fri Oct 9.
    const night = [new Date('2026-10-01T22:30:00-07:00')];
    const at = (iso: string, zones: ContactZones = BOTH) =>
      checkCallAfterConversation(attempt({ at: new Date(iso), conversations: night, zones }));
    expect(at('2026-10-08T08:00:00-07:00', { address: LA })).toEqual(OK);
    expect(at('2026-10-08T08:00:00-07:00')).toEqual(AFTER_TALK);
    expect(at('2026-10-08T20:59:00-07:00')).toEqual(AFTER_TALK);
    expect(at('2026-10-08T21:00:00-07:00')).toEqual(OK);
    expect(nextCallAllowedInstant(new Date('2026-10-08T08:00:00-07:00'), [], night, BOTH)).toEqual(
      new Date('2026-10-09T00:00:00-04:00'),
    );
  });
});

describe('scope', () => {
  const talk = [new Date('2026-10-01T10:00:00-07:00')];
  const at = new Date('2026-10-11T15:00:00-07:00');

  test('only calls are counted against', () => {
    for (const channel of ['sms', 'email', 'letter', 'certified_letter'] as const)
      expect(checkCallFrequency(attempt({ channel, at, callHistory: WEEK, conversations: talk }))).toEqual(OK);
  });

  test('first party only with regFForAll; commercial never', () => {
    expect(checkCallCap(attempt({ at, callHistory: WEEK, debt: LANDLORD }))).toEqual(OK);
    expect(checkCallCap(attempt({ at, callHistory: WEEK, debt: { ...LANDLORD, regFForAll: true } }))).toEqual(CAP);
    expect(checkCallCap(attempt({ at, callHistory: WEEK, debt: COMMERCIAL }))).toEqual(OK);
    expect(checkCallCap(attempt({ at, callHistory: WEEK, debt: AGENCY }))).toEqual(CAP);
    // Not bound: no zone is needed, so an unknown one does not matter.
    expect(
      checkCallCap(attempt({ at, callHistory: WEEK, debt: COMMERCIAL, zones: { address: 'Mars/Olympus' } })),
    ).toEqual(OK);
  });

  test('the cap is reported before the conversation block', () => {
    expect(call('2026-10-11T15:00:00-07:00', WEEK, { conversations: [new Date('2026-10-11T10:00:00-07:00')] })).toEqual(
      CAP,
    );
  });
});
