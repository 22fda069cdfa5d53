import { PolicyDocument, type PolicyInput } from '@arrears/shared';

/**
 * The two policies every org starts with. Days count from the due date of the oldest unpaid
 * charge; the README walks through each step. Legal notices use the rule pack of the
 * property's state and always wait for a manager's (or, for an unverified rule, counsel's)
 * approval; the referral waits for the notice to expire uncured.
 */
/** The residential hand-off's minimum balance (version 2 on): agencies do not take fee-only balances. */
const HAND_OFF_MIN_BALANCE_CENTS = 25_000;

const residential: PolicyInput = {
  id: 'default-residential',
  version: 1,
  name: 'Default residential',
  description: 'Friendly reminders, then calls and a letter, then a statutory notice and legal referral.',
  applies_to: { lease_kind: ['residential'] },
  reminders: [
    { id: 'pre-due-email', days_before_due: 3, channel: 'email', template: 'rent-reminder' },
    { id: 'pre-due-sms', days_before_due: 1, at: '10:00', channel: 'sms', template: 'rent-reminder-short' },
  ],
  levels: [
    {
      id: 'L1',
      name: 'Late',
      days: { min: 1 },
      steps: [
        { id: 'late-email', day: 2, action: 'email', template: 'rent-late' },
        { id: 'late-sms', day: 3, at: '10:00', action: 'sms', template: 'rent-late-short' },
        {
          id: 'rent-not-received',
          day: 6,
          action: 'notice',
          notice: 'rent_not_received',
          channels: ['certified_letter'],
          when: { jurisdiction: ['US-NY'] },
        },
      ],
    },
    {
      id: 'L2',
      name: 'Delinquent',
      days: { min: 10 },
      steps: [
        { id: 'crm-flag', day: 10, action: 'crm_update', template: 'delinquent-flag' },
        { id: 'agent-call', day: 10, at: '11:00', action: 'call', template: 'collections-call' },
        { id: 'agent-task', day: 10, action: 'task', template: 'call-tenant' },
        { id: 'demand-letter', day: 14, action: 'letter', template: 'demand-letter' },
      ],
    },
    {
      id: 'L3',
      name: 'Legal',
      days: { min: 21 },
      steps: [
        {
          id: 'pay-or-quit',
          day: 21,
          action: 'notice',
          notice: 'pay_or_quit',
          when: { jurisdiction: ['US-CA', 'US-FL'] },
        },
        {
          id: 'rent-demand',
          day: 21,
          action: 'notice',
          notice: 'rent_demand_14_day',
          when: { jurisdiction: ['US-NY'] },
        },
        {
          id: 'notice-to-vacate',
          day: 21,
          action: 'notice',
          notice: 'notice_to_vacate',
          when: { jurisdiction: ['US-TX'] },
        },
        {
          id: 'eviction-referral-ca-fl',
          day: 21,
          action: 'referral',
          after_notice: 'pay_or_quit',
          catch_up_days: 60,
          when: { jurisdiction: ['US-CA', 'US-FL'] },
        },
        {
          id: 'eviction-referral-ny',
          day: 21,
          action: 'referral',
          after_notice: 'rent_demand_14_day',
          catch_up_days: 60,
          when: { jurisdiction: ['US-NY'] },
        },
        {
          id: 'eviction-referral-tx',
          day: 21,
          action: 'referral',
          after_notice: 'notice_to_vacate',
          catch_up_days: 60,
          when: { jurisdiction: ['US-TX'] },
        },
      ],
    },
    {
      id: 'L4',
      name: 'Hand-off',
      days: { min: 60 },
      steps: [{ id: 'agency-placement', day: 60, action: 'placement', template: 'agency-packet' }],
    },
  ],
  nsf_fee_cents: 2500,
};

const commercial: PolicyInput = {
  id: 'default-commercial',
  version: 1,
  name: 'Default commercial',
  description: 'Account-manager contact, then a notice of default under the lease, then legal referral.',
  applies_to: { lease_kind: ['commercial'] },
  reminders: [{ id: 'pre-due-email', days_before_due: 5, channel: 'email', template: 'commercial-rent-reminder' }],
  levels: [
    {
      id: 'L1',
      name: 'Late',
      days: { min: 1 },
      steps: [
        { id: 'late-email', day: 3, action: 'email', template: 'commercial-rent-late' },
        { id: 'account-task', day: 5, action: 'task', template: 'call-account-contact' },
      ],
    },
    {
      id: 'L2',
      name: 'Default',
      days: { min: 15 },
      steps: [
        { id: 'crm-flag', day: 15, action: 'crm_update', template: 'default-flag' },
        {
          id: 'notice-of-default',
          day: 15,
          action: 'notice',
          notice: 'notice_of_default',
          channels: ['certified_letter', 'email'],
        },
        { id: 'legal-referral', day: 15, action: 'referral', after_notice: 'notice_of_default', catch_up_days: 60 },
      ],
    },
  ],
  nsf_fee_cents: 5000,
};

/**
 * Version 2 of the residential default: the hand-off (L4) needs at least $250 owed. A balance
 * of fees alone (a $75 late fee left unpaid while every rent was paid) stays at the lower levels
 * instead of reaching an agency placement. Version 1 stays: cases pinned to it keep it.
 */
const residentialV2: PolicyInput = {
  ...residential,
  version: 2,
  levels: residential.levels.map((level) =>
    level.id === 'L4' ? { ...level, balance_cents: { min: HAND_OFF_MIN_BALANCE_CENTS } } : level,
  ),
};

const parse = (input: PolicyInput) => PolicyDocument.parse(input);
/** Every built-in version ever shipped, oldest first: a published version never changes. */
export const BUILTIN_VERSIONS: readonly PolicyDocument[] = [residential, residentialV2, commercial].map(parse);

/** The latest version of each built-in policy, by id: what a new case pins. */
export const BUILTIN_POLICIES: ReadonlyMap<string, PolicyDocument> = new Map(BUILTIN_VERSIONS.map((p) => [p.id, p]));

/** A built-in policy at a version (the latest without one), or undefined when it never existed. */
export function builtinPolicy(id: string, version?: number): PolicyDocument | undefined {
  if (version === undefined) return BUILTIN_POLICIES.get(id);
  return BUILTIN_VERSIONS.find((p) => p.id === id && (p.version ?? 1) === version);
}

export function isBuiltin(id: string): boolean {
  return BUILTIN_POLICIES.has(id);
}
