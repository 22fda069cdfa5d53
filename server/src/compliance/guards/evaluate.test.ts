import { FEDERAL_CONTACT_RULES } from '../rules/federal-contact.ts';
import { evaluateAllGuards, evaluateSendGuards } from './evaluate.ts';
import { AGENCY, COMMERCIAL, LA, LANDLORD, NY, attempt } from './fixtures.ts';
import { classifyInbound } from './inbound-keywords.ts';
import type { ContactAttempt, RevocableChannel } from './types.ts';

const reasonOf = (a: ContactAttempt) => {
  const result = evaluateSendGuards(a);
  return result.ok ? 'ok' : result.reason;
};

describe('scenario 9: third-party hand-off', () => {
  test('a call at 20:55 local is allowed, 21:01 blocked', () => {
    expect(evaluateSendGuards(attempt({ at: new Date('2026-10-05T20:55:00-07:00') }))).toEqual({ ok: true });
    expect(evaluateSendGuards(attempt({ at: new Date('2026-10-05T21:01:00-07:00') }))).toMatchObject({
      ok: false,
      reason: 'quiet_hours',
      rule: { id: 'US/reg-f-quiet-hours@2021-11-30' },
    });
  });

  test('address and phone zones disagree: only times convenient in both', () => {
    const zones = { address: LA, phone: NY };
    expect(reasonOf(attempt({ zones, at: new Date('2026-10-05T08:30:00-07:00') }))).toBe('ok');
    expect(reasonOf(attempt({ zones, at: new Date('2026-10-05T18:30:00-07:00') }))).toBe('quiet_hours');
    expect(reasonOf(attempt({ zones, at: new Date('2026-10-05T07:30:00-07:00') }))).toBe('quiet_hours');
  });

  test('8th call attempt in rolling 7 days blocked, allowed again when the window rolls', () => {
    const week = ['05', '06', '07', '08', '09', '10', '11'].map((d) => new Date(`2026-10-${d}T10:00:00-07:00`));
    const at = (iso: string, callHistory: Date[]) => reasonOf(attempt({ at: new Date(iso), callHistory }));
    expect(at('2026-10-11T10:00:00-07:00', week.slice(0, 6))).toBe('ok');
    expect(at('2026-10-11T15:00:00-07:00', week)).toBe('call_frequency_cap');
    expect(at('2026-10-12T10:00:00-07:00', week)).toBe('ok');
  });

  test('conversation Thu Oct 1: call Wed Oct 7 blocked, Thu Oct 8 allowed', () => {
    const conversations = [new Date('2026-10-01T11:00:00-07:00')];
    expect(reasonOf(attempt({ at: new Date('2026-10-07T11:00:00-07:00'), conversations }))).toBe(
      'call_after_conversation',
    );
    expect(reasonOf(attempt({ at: new Date('2026-10-08T11:00:00-07:00'), conversations }))).toBe('ok');
  });

  test('"Cancel" by text removes SMS consent at once; at most one confirmation', () => {
    const at = new Date('2026-10-05T12:00:00-07:00');
    expect(classifyInbound('Cancel')).toBe('opt_out');
    // What the dispatcher records on an opt-out: the channel it arrived on is revoked.
    const revoked: RevocableChannel[] = ['sms'];
    const sms = { channel: 'sms', at, revoked, optOutAt: at } as const;
    expect(evaluateSendGuards(attempt({ ...sms, at: new Date('2026-10-05T12:00:01-07:00') }))).toMatchObject({
      ok: false,
      reason: 'consent_revoked',
      rule: { id: 'US/tcpa-consent@2025-04-11' },
    });
    expect(reasonOf(attempt({ ...sms, purpose: 'opt_out_confirmation' }))).toBe('ok');
    expect(reasonOf(attempt({ ...sms, purpose: 'opt_out_confirmation', confirmationAlreadySent: true }))).toBe(
      'confirmation_already_sent',
    );
    // Calls and letters are untouched by an SMS opt-out.
    expect(reasonOf(attempt({ channel: 'call', at, revoked }))).toBe('ok');
  });
});

describe('who is bound', () => {
  const night = new Date('2026-10-05T22:30:00-07:00');

  test('first-party residential: no Reg F quiet hours for email unless regFForAll; calls keep phone hours', () => {
    expect(reasonOf(attempt({ debt: LANDLORD, at: night, channel: 'email' }))).toBe('ok');
    expect(reasonOf(attempt({ debt: LANDLORD, at: night }))).toBe('quiet_hours');
    expect(reasonOf(attempt({ debt: LANDLORD, at: new Date('2026-10-05T20:30:00-07:00') }))).toBe('ok');
    expect(reasonOf(attempt({ debt: { ...LANDLORD, regFForAll: true }, at: night }))).toBe('quiet_hours');
    expect(reasonOf(attempt({ debt: AGENCY, at: night }))).toBe('quiet_hours');
  });

  test('commercial: Reg F off, but sms and calls still need consent', () => {
    expect(reasonOf(attempt({ debt: COMMERCIAL, at: night, channel: 'sms' }))).toBe('ok');
    expect(reasonOf(attempt({ debt: COMMERCIAL, at: night, channel: 'sms', consents: {} }))).toBe('no_consent');
    expect(reasonOf(attempt({ debt: COMMERCIAL, at: night, channel: 'call', consents: { sms: true } }))).toBe(
      'no_consent',
    );
    expect(reasonOf(attempt({ debt: COMMERCIAL, channel: 'sms', revoked: ['sms'] }))).toBe('consent_revoked');
  });
});

describe('order and audit', () => {
  const everything = attempt({
    channel: 'call',
    at: new Date('2026-10-11T22:00:00-07:00'),
    consents: {},
    holds: { bankruptcy: true, deceased: true },
    callHistory: ['05', '06', '07', '08', '09', '10', '11'].map((d) => new Date(`2026-10-${d}T10:00:00-07:00`)),
    conversations: [new Date('2026-10-10T10:00:00-07:00')],
  });

  test('scrub -> consent -> quiet hours -> call frequency; the first block is returned', () => {
    expect(evaluateAllGuards(everything).map((b) => b.reason)).toEqual([
      'bankruptcy_stay',
      'deceased',
      'no_consent',
      'quiet_hours',
      'call_frequency_cap',
      'call_after_conversation',
    ]);
    expect(reasonOf(everything)).toBe('bankruptcy_stay');
    expect(reasonOf({ ...everything, holds: { bankruptcy: false, deceased: false } })).toBe('no_consent');
    expect(reasonOf({ ...everything, holds: { bankruptcy: false, deceased: false }, consents: { voice: true } })).toBe(
      'quiet_hours',
    );
  });

  test('every block names its rule; nothing blocks a clean attempt', () => {
    for (const block of evaluateAllGuards(everything))
      expect(block.rule?.id).toMatch(/^US\/[a-z-]+@\d{4}-\d{2}-\d{2}$/);
    expect(evaluateAllGuards(attempt())).toEqual([]);
  });

  test('the rule list holds each send-time rule once', () => {
    const ids = FEDERAL_CONTACT_RULES.map((rule) => rule.id);
    expect(ids).toEqual([
      'US/reg-f-quiet-hours',
      'US/reg-f-call-frequency',
      'US/reg-f-electronic-opt-out',
      'US/tcpa-consent',
      'US/tcpa-opt-out-confirmation',
      'US/bankruptcy-stay',
      'US/deceased-scrub',
    ]);
  });
});
