import type { ContactChannel } from '@arrears/shared';
import type { RuleVersion } from './rule.ts';

/**
 * Federal rules checked at send time, right before a contact goes out (the guards in
 * compliance/guards). The rules the engine applies when it plans steps live in federal-collection.ts.
 */

const EVERY_CHANNEL: readonly ContactChannel[] = ['email', 'sms', 'call', 'letter', 'certified_letter'];

export interface QuietHoursParams {
  /** Local wall-clock `HH:MM`, inclusive. */
  readonly start: string;
  /** Local wall-clock `HH:MM`, exclusive. */
  readonly end: string;
}

export const REG_F_QUIET_HOURS: RuleVersion<QuietHoursParams> = {
  id: 'US/reg-f-quiet-hours',
  effective_from: '2021-11-30',
  citation: '12 CFR 1006.6(b)(1)(i)',
  verified: true,
  summary:
    'No call, text or email before 8:00 or after 21:00 in the consumer’s local time; when the address and phone zones differ, the time must be convenient in both.',
  params: { start: '08:00', end: '21:00' },
};

/**
 * Florida's consumer collection practices act binds every person collecting a consumer debt,
 * the landlord collecting its own rent included: no communication between 21:00 and 8:00 in
 * the debtor's zone without prior consent. State law, kept beside Reg F's rule because both are
 * checked at send time the same way.
 */
export const FL_FCCPA_CONTACT_HOURS: RuleVersion<QuietHoursParams> = {
  id: 'US-FL/fccpa-contact-hours',
  effective_from: '2010-10-01',
  citation: 'Fla. Stat. 559.72(17)',
  verified: false,
  summary:
    'Any person collecting a consumer debt (a landlord included) may not communicate with the debtor between 21:00 and 8:00 in the debtor’s time zone without prior consent.',
  params: { start: '08:00', end: '21:00' },
};

/**
 * Not a statute: the product's own rule for calls and texts to residential tenants that no law
 * restricts (a landlord collecting its own rent outside Florida). A phone that rings or buzzes
 * at half past midnight about rent is a complaint, whoever sends it; emails wait in an inbox
 * and are not held back by it.
 */
export const ARREARS_CONTACT_HOURS: RuleVersion<QuietHoursParams> = {
  id: 'ARREARS/phone-contact-hours',
  effective_from: '2020-01-01',
  citation: 'Arrears default (no statute): calls and texts between 8:00 and 21:00 local',
  verified: true,
  summary:
    'Calls and texts to a residential tenant go out only between 8:00 and 21:00 in the tenant’s local time (both zones when they differ), whoever collects.',
  params: { start: '08:00', end: '21:00' },
};

export interface CallFrequencyParams {
  /** Call attempts allowed in any window of `window_days`; the next one is presumed a violation. */
  readonly max_calls: number;
  readonly window_days: number;
  /** No call for this many days after a telephone conversation about the debt. */
  readonly after_conversation_days: number;
}

export const REG_F_CALL_FREQUENCY: RuleVersion<CallFrequencyParams> = {
  id: 'US/reg-f-call-frequency',
  effective_from: '2021-11-30',
  citation: '12 CFR 1006.14(b)(2)',
  verified: true,
  summary:
    'Per debt: no more than 7 call attempts within 7 consecutive days, and no call within 7 days after a telephone conversation (its date is day 1); days are the consumer’s local calendar days.',
  params: { max_calls: 7, window_days: 7, after_conversation_days: 7 },
};

export const REG_F_ELECTRONIC_OPT_OUT: RuleVersion<{ readonly channels: readonly ContactChannel[] }> = {
  id: 'US/reg-f-electronic-opt-out',
  effective_from: '2021-11-30',
  citation: '12 CFR 1006.6(e)',
  verified: true,
  summary: 'Every email or text carries a clear, simple way to opt out; an opt-out, however worded, stops that medium.',
  params: { channels: ['email', 'sms'] },
};

/** The words the FCC names as a valid revocation when sent in reply to a text. */
export const TCPA_REVOCATION_KEYWORDS = ['stop', 'quit', 'end', 'revoke', 'opt out', 'cancel', 'unsubscribe'] as const;
export type RevocationKeyword = (typeof TCPA_REVOCATION_KEYWORDS)[number];

export interface TcpaConsentParams {
  /** Channels that need prior express consent (autodialled or prerecorded calls, and texts). */
  readonly channels: readonly ContactChannel[];
  readonly revocation_keywords: readonly RevocationKeyword[];
  /** The legal ceiling for honouring a revocation; Arrears honours it at once. */
  readonly honour_within_business_days: number;
  /** Texts allowed after a revocation, to confirm it and nothing else. */
  readonly confirmation_texts: number;
}

export const TCPA_CONSENT: RuleVersion<TcpaConsentParams> = {
  id: 'US/tcpa-consent',
  effective_from: '2025-04-11',
  citation: '47 U.S.C. 227(b)(1); FCC 24-24, 89 FR 15756',
  verified: true,
  summary:
    'Autodialled or prerecorded calls and texts need prior express consent; consent is revoked by any reasonable means (stop, quit, end, revoke, opt out, cancel, unsubscribe) and honoured within 10 business days; one confirmation text is allowed.',
  params: {
    channels: ['sms', 'call'],
    revocation_keywords: TCPA_REVOCATION_KEYWORDS,
    honour_within_business_days: 10,
    confirmation_texts: 1,
  },
};

/**
 * The one confirmation text is optional and allowed only within five minutes of the opt-out:
 * a confirmation that cannot go out in time (the opt-out came at night, say) is not sent at
 * all, never late. This provision took effect before the rest of FCC 24-24.
 */
export const TCPA_OPT_OUT_CONFIRMATION: RuleVersion<{ readonly within_minutes: number }> = {
  id: 'US/tcpa-opt-out-confirmation',
  effective_from: '2024-04-04',
  citation: '47 CFR 64.1200(a)(12); FCC 24-24, 89 FR 15756',
  verified: true,
  summary:
    'One text confirming an opt-out, with nothing else in it, may be sent within five minutes of the request; after that, none.',
  params: { within_minutes: 5 },
};

export const BANKRUPTCY_STAY: RuleVersion<{ readonly channels: readonly ContactChannel[] }> = {
  id: 'US/bankruptcy-stay',
  effective_from: '1979-10-01',
  citation: '11 U.S.C. 362(a)',
  verified: true,
  summary: 'A bankruptcy petition stays every act to collect the debt: no contact on any channel while the stay holds.',
  params: { channels: EVERY_CHANNEL },
};

/**
 * Reg F counts a deceased person as a "consumer" and lets a collector reach only the estate's
 * representative; stopping all automated contact to the tenant is our reading, hence unverified.
 */
export const DECEASED_SCRUB: RuleVersion<{ readonly channels: readonly ContactChannel[] }> = {
  id: 'US/deceased-scrub',
  effective_from: '2021-11-30',
  citation: '12 CFR 1006.2(e)',
  verified: false,
  summary:
    'A deceased tenant’s debt is pursued only with the estate’s representative, by a person: automated contact to the tenant stops.',
  params: { channels: EVERY_CHANNEL },
};

/** Every send-time federal rule, for `arrears rules` and audits. */
export const FEDERAL_CONTACT_RULES: readonly RuleVersion<unknown>[] = [
  REG_F_QUIET_HOURS,
  REG_F_CALL_FREQUENCY,
  REG_F_ELECTRONIC_OPT_OUT,
  TCPA_CONSENT,
  TCPA_OPT_OUT_CONFIRMATION,
  BANKRUPTCY_STAY,
  DECEASED_SCRUB,
];
