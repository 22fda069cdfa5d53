import { checkConfirmationWindow, checkConsent, deferConfirmation } from './consent.ts';
import { attempt } from './fixtures.ts';

const TCPA = {
  id: 'US/tcpa-consent@2025-04-11',
  citation: '47 U.S.C. 227(b)(1); FCC 24-24, 89 FR 15756',
  verified: true,
};
const CONFIRMATION = {
  id: 'US/tcpa-opt-out-confirmation@2024-04-04',
  citation: '47 CFR 64.1200(a)(12); FCC 24-24, 89 FR 15756',
  verified: true,
};
const WINDOW_PASSED = { ok: false, reason: 'confirmation_window_passed', rule: CONFIRMATION };
const NO_CONSENT = { ok: false, reason: 'no_consent', rule: TCPA };
const REVOKED = { ok: false, reason: 'consent_revoked', rule: TCPA };

describe('TCPA consent', () => {
  test('sms needs sms consent; call needs voice consent', () => {
    expect(checkConsent(attempt({ channel: 'sms', consents: {} }))).toEqual(NO_CONSENT);
    expect(checkConsent(attempt({ channel: 'sms', consents: { sms: false, voice: true } }))).toEqual(NO_CONSENT);
    expect(checkConsent(attempt({ channel: 'sms', consents: { sms: true } }))).toEqual({ ok: true });
    expect(checkConsent(attempt({ channel: 'call', consents: { sms: true } }))).toEqual(NO_CONSENT);
    expect(checkConsent(attempt({ channel: 'call', consents: { voice: true } }))).toEqual({ ok: true });
  });

  test('a revocation outranks a stale consent flag', () => {
    expect(checkConsent(attempt({ channel: 'sms', revoked: ['sms'] }))).toEqual(REVOKED);
    expect(checkConsent(attempt({ channel: 'call', revoked: ['call'] }))).toEqual(REVOKED);
    expect(checkConsent(attempt({ channel: 'call', revoked: ['sms'] }))).toEqual({ ok: true });
  });

  test('email needs no prior consent, but an email opt-out is honoured', () => {
    expect(checkConsent(attempt({ channel: 'email', consents: {} }))).toEqual({ ok: true });
    expect(checkConsent(attempt({ channel: 'email', revoked: ['email'] }))).toEqual({
      ok: false,
      reason: 'consent_revoked',
      rule: { id: 'US/reg-f-electronic-opt-out@2021-11-30', citation: '12 CFR 1006.6(e)', verified: true },
    });
  });

  test('letters cannot be refused', () => {
    expect(checkConsent(attempt({ channel: 'letter', consents: {}, revoked: ['sms', 'call', 'email'] }))).toEqual({
      ok: true,
    });
    expect(checkConsent(attempt({ channel: 'certified_letter', consents: {} }))).toEqual({ ok: true });
  });
});

describe('the one opt-out confirmation text', () => {
  const optOutAt = new Date('2026-10-05T10:00:00-07:00');
  const confirm = (overrides = {}) =>
    checkConsent(
      attempt({ channel: 'sms', purpose: 'opt_out_confirmation', revoked: ['sms'], consents: {}, ...overrides }),
    );

  test('allowed once after revocation, without consent', () => {
    expect(confirm()).toEqual({ ok: true });
    expect(confirm({ confirmationAlreadySent: false })).toEqual({ ok: true });
    expect(confirm({ confirmationAlreadySent: true })).toEqual({
      ok: false,
      reason: 'confirmation_already_sent',
      rule: TCPA,
    });
  });

  test('allowed before the revocation is recorded too', () => {
    expect(confirm({ revoked: [] })).toEqual({ ok: true });
  });

  test('held to the FCC window when the opt-out instant is known', () => {
    expect(confirm({ optOutAt, at: new Date('2026-10-05T10:05:00-07:00') })).toEqual({ ok: true });
    expect(confirm({ optOutAt, at: new Date('2026-10-05T10:05:01-07:00') })).toEqual(WINDOW_PASSED);
    expect(checkConfirmationWindow(optOutAt, new Date('2026-10-05T10:05:00-07:00'))).toEqual({ ok: true });
  });

  test('held back by the hour, it waits only if it can still go within five minutes', () => {
    // STOP at 07:57: the 08:00 start of the hours is within the window, so it may wait.
    const early = new Date('2026-03-03T07:57:00-08:00');
    const eight = new Date('2026-03-03T08:00:00-08:00');
    expect(deferConfirmation(early, eight)).toEqual({ ok: true, retryAt: eight });
    // STOP at 23:30: the morning is too late; it is dropped, never deferred past the window.
    expect(deferConfirmation(new Date('2026-03-02T23:30:00-08:00'), eight)).toEqual(WINDOW_PASSED);
    // Without the opt-out instant or a next allowed instant, in time cannot be shown.
    expect(deferConfirmation(undefined, eight)).toEqual(WINDOW_PASSED);
    expect(deferConfirmation(early, undefined)).toEqual(WINDOW_PASSED);
  });

  test('only by text: by phone it is an ordinary call', () => {
    expect(
      checkConsent(attempt({ channel: 'call', purpose: 'opt_out_confirmation', revoked: ['call'], consents: {} })),
    ).toEqual(REVOKED);
  });
});
