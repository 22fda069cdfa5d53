import type { CollectorCapacity, ContactChannel, LeaseKind } from '@arrears/shared';
import { ruleRef, type RuleRef, type RuleVersion } from '../rules/rule.ts';

/** Channels a tenant can opt out of; letters cannot be refused this way. */
export type RevocableChannel = Extract<ContactChannel, 'email' | 'sms' | 'call'>;

/** Stable codes: the dispatcher, the audit and the CRM key on them, so never rename one. */
export type GuardReason =
  | 'bankruptcy_stay'
  | 'deceased'
  | 'no_consent'
  | 'consent_revoked'
  | 'confirmation_already_sent'
  | 'confirmation_window_passed'
  | 'quiet_hours'
  | 'unknown_time_zone'
  | 'call_frequency_cap'
  | 'call_after_conversation';

export interface GuardBlock {
  readonly ok: false;
  readonly reason: GuardReason;
  readonly rule?: RuleRef;
}

export type GuardResult = { readonly ok: true } | GuardBlock;

export interface DebtCapacity {
  /** Consumer debt is residential; Reg F never covers commercial rent. */
  readonly kind: LeaseKind;
  readonly collector: CollectorCapacity;
  /** The org asked for the Reg F guards even where it collects its own rent. */
  readonly regFForAll: boolean;
  /** The property's rule pack (`US-FL`, …): some states bind the landlord itself. */
  readonly jurisdiction?: string;
}

/** IANA zones the tenant may be in; a contact must be convenient in every one of them. */
export interface ContactZones {
  /** The property's zone. */
  readonly address: string;
  /** The phone number's zone, when known (area code or carrier lookup). */
  readonly phone?: string;
}

/** Everything the send-time guards need about one contact, read by the dispatcher at send time. */
export interface ContactAttempt {
  readonly channel: ContactChannel;
  /** The instant the contact would go out: the guards never read a clock. */
  readonly at: Date;
  readonly debt: DebtCapacity;
  readonly zones: ContactZones;
  /** Prior express consent per channel; `voice` covers `call`. Missing means no consent. */
  readonly consents: { readonly sms?: boolean; readonly voice?: boolean; readonly email?: boolean };
  readonly revoked: readonly RevocableChannel[];
  /** Earlier call attempts on this debt, answered or not. */
  readonly callHistory: readonly Date[];
  /** Right-party telephone conversations about this debt. */
  readonly conversations: readonly Date[];
  readonly holds: { readonly bankruptcy: boolean; readonly deceased: boolean };
  /** `opt_out_confirmation`: the one text that confirms an opt-out and says nothing else. */
  readonly purpose: 'collection' | 'opt_out_confirmation';
  readonly confirmationAlreadySent?: boolean;
  /** When the opt-out arrived; when given, a confirmation later than the FCC's window is refused. */
  readonly optOutAt?: Date;
}

export const ALLOWED: GuardResult = { ok: true };

export function blocked(reason: GuardReason, rule: RuleVersion<unknown>): GuardBlock {
  return { ok: false, reason, rule: ruleRef(rule) };
}

/**
 * Reg F binds debt collectors collecting consumer debts: a landlord collecting its own rent is not
 * one, a manager who took the account after default, an agency or an attorney is.
 */
export function regFApplies(debt: DebtCapacity): boolean {
  return debt.kind === 'residential' && (debt.collector !== 'first_party' || debt.regFForAll);
}
