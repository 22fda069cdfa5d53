import type { ContactAttempt, DebtCapacity } from './types.ts';

/** Shared test inputs: scenario 9's tenant, reached through an agency (Reg F applies). */

export const LA = 'America/Los_Angeles';
export const NY = 'America/New_York';

export const AGENCY: DebtCapacity = { kind: 'residential', collector: 'agency', regFForAll: false };
export const LANDLORD: DebtCapacity = { kind: 'residential', collector: 'first_party', regFForAll: false };
export const COMMERCIAL: DebtCapacity = { kind: 'commercial', collector: 'agency', regFForAll: false };

/** An attempt every guard allows; tests override what they exercise. */
export function attempt(overrides: Partial<ContactAttempt> = {}): ContactAttempt {
  return {
    channel: 'call',
    at: new Date('2026-10-05T10:00:00-07:00'),
    debt: AGENCY,
    zones: { address: LA },
    consents: { sms: true, voice: true, email: true },
    revoked: [],
    callHistory: [],
    conversations: [],
    holds: { bankruptcy: false, deceased: false },
    purpose: 'collection',
    ...overrides,
  };
}
