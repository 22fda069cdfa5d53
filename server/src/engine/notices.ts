import type { NoticeKind } from '@arrears/shared';
import { addCalendarDaysExtended, addDays, CalendarYearUnsupported } from '../compliance/calendar/index.ts';
import { CARES_NOTICE_TO_VACATE, VALIDATION_RECEIPT } from '../compliance/rules/federal-collection.ts';
import { noticeRule, ruleRef, type NoticeRule, type RuleRef } from '../compliance/rules/index.ts';
import { addDays as addCalendarDays } from './days.ts';
import type { LeaseFacts } from './facts.ts';
import { undisputedCents } from './holds.ts';

/** Notices that start a legal clock: never served without a second person's approval. */
export const LEGAL_NOTICES: readonly NoticeKind[] = [
  'pay_or_quit',
  'rent_demand_14_day',
  'notice_to_vacate',
  'notice_of_default',
];

/** Notices that lead to a suit for possession: pointless once the tenant has moved out. */
export const POSSESSION_NOTICES: readonly NoticeKind[] = ['pay_or_quit', 'rent_demand_14_day', 'notice_to_vacate'];

/** Whether the tenant has moved out by the lease's local day: possession remedies stop. */
export function movedOut(facts: LeaseFacts): boolean {
  return facts.lease.moved_out_on !== null && facts.lease.moved_out_on <= facts.today;
}

/**
 * Steps an SCRA hold blocks (holds.ts): legal notices, referrals, agency placement and credit
 * reporting. `action` is a policy step's action, a request's action or an effect's type.
 */
export function isLegalAction(action: string, notice?: unknown): boolean {
  if (action === 'notice') return LEGAL_NOTICES.includes(notice as NoticeKind);
  return action === 'referral' || action === 'escalate' || action === 'placement' || action === 'credit_report';
}

export interface NoticeTerms {
  notice: NoticeKind;
  rule: RuleRef;
  template: string;
  channels: string[];
  served_on: string;
  expires_on: string;
  earliest_next_step_on: string;
  amount_demanded_cents: number;
  /** The charges the notice demands: paying them cures it. */
  charges: string[];
  /**
   * Those charges' open amount on the day of service, and what a dispute covered of it: what has
   * been paid on them since is measured from here (stillDemandedCents), so a dispute released
   * after service cannot raise what the notice asks.
   */
  open_at_service_cents: number;
  disputed_at_service_cents: number;
  /** Extra rules that lengthened or shaped the notice (CARES). */
  also?: RuleRef[];
}

/** A refusal names the rule that decided it (the channels RPAPL 711 accepts, CARES's 30 days). */
export type NoticePlan =
  { ok: true; terms: NoticeTerms; verified: boolean } | { ok: false; reason: string; rule?: RuleRef };

/**
 * What a notice served on a day demands and when it expires, from the rule version in effect on
 * that day. Open credits and disputed amounts are netted out of the demand; California's
 * pay-or-quit demands rent only.
 */
export function planNotice(
  notice: NoticeKind,
  facts: LeaseFacts,
  servedOn: string,
  channels?: string[],
  templatePeriodDays?: number,
): NoticePlan {
  // A notice of default enforces a commercial lease's cure clause; residential tenants get the
  // statutory notices (pay-or-quit, 14-day demand, notice to vacate) instead.
  if (notice === 'notice_of_default' && facts.lease.kind !== 'commercial')
    return { ok: false, reason: 'notice_not_applicable' };
  const rule = noticeRule(facts.property.jurisdiction, notice, servedOn, facts.lease);
  if (!rule) return { ok: false, reason: 'notice_not_available_in_jurisdiction' };
  const allowed = rule.params.channels as readonly string[];
  const chosen = channels ?? [...(rule.params.default_channels ?? [allowed[0]!])];
  if (chosen.some((channel) => !allowed.includes(channel)))
    return { ok: false, reason: 'channel_not_permitted', rule: ruleRef(rule) };
  // A demand (pay-or-quit, 14-day demand, notice to vacate, notice of default) asks only for
  // what is late on the day of service: a charge due that day is not yet unpaid, and rent within
  // the lease's grace days is not late (ERPNext shipped dunning on the due date itself). An
  // understated demand is valid; an overstated one makes the notice defective. A notice that
  // informs (validation, rent not received) states what is owed.
  const demand = LEGAL_NOTICES.includes(notice);
  const lateOn = (c: LeaseFacts['open_charges'][number]) =>
    !demand
      ? c.due_on <= servedOn
      : c.charge_type === 'rent'
        ? addCalendarDays(c.due_on, facts.lease.grace_days) < servedOn
        : c.due_on < servedOn;
  // What a dispute covers is not demanded (holds.ts), nor is a charge wholly disputed among the
  // charges whose payment cures the notice.
  const inDemand = (c: LeaseFacts['open_charges'][number]) =>
    lateOn(c) && undisputedCents(c) > 0 && (rule.params.amount !== 'rent_only' || c.charge_type === 'rent');
  // Rent only: the open charges are read rent-first, so rent a payment would have paid but for
  // an older fee is not demanded as rent (an overstated rent demand makes the notice defective).
  const demanded = facts.open_charges.filter(inDemand);
  const gross = demanded.reduce((sum, c) => sum + undisputedCents(c), 0);
  const amount = rule.params.amount === 'none' ? 0 : Math.max(0, gross - facts.unapplied_credit_cents);
  let expires: string;
  const also: RuleRef[] = [];
  try {
    expires = expiryOf(notice, rule, servedOn);
  } catch (error) {
    // Served near the end of the years the holiday calendars cover: its deadline cannot be told.
    if (error instanceof CalendarYearUnsupported)
      return { ok: false, reason: 'calendar_year_unsupported', rule: ruleRef(rule) };
    throw error;
  }
  if (notice === 'validation') also.push(ruleRef(VALIDATION_RECEIPT));
  // A covered dwelling's tenant may not be required to vacate within 30 days of a notice to
  // vacate; a pay-or-quit or a 14-day demand is one too (it ends in possession), as courts have
  // read 9058(c) for nonpayment cases: its period runs at least 30 days.
  if (POSSESSION_NOTICES.includes(notice) && facts.property.cares_covered) {
    const earliest = addCalendarDays(servedOn, CARES_NOTICE_TO_VACATE.params.min_days);
    if (earliest > expires) expires = earliest;
    also.push(ruleRef(CARES_NOTICE_TO_VACATE));
  }
  if (templatePeriodDays !== undefined) {
    const stated = addCalendarDays(servedOn, templatePeriodDays);
    // The template would show the tenant a date earlier than the law allows: never serve it.
    if (stated < expires) return { ok: false, reason: 'template_period_too_short', rule: also.at(-1) ?? ruleRef(rule) };
    expires = stated;
  }
  return {
    ok: true,
    verified: rule.verified,
    terms: {
      notice,
      rule: ruleRef(rule),
      template: rule.params.template,
      channels: chosen,
      served_on: servedOn,
      expires_on: expires,
      earliest_next_step_on: addCalendarDays(expires, 1),
      amount_demanded_cents: amount,
      charges: demanded.map((c) => c.external_id),
      open_at_service_cents: demanded.reduce((sum, c) => sum + c.open_cents, 0),
      disputed_at_service_cents: demanded.reduce((sum, c) => sum + (c.disputed_cents ?? 0), 0),
      ...(also.length ? { also } : {}),
    },
  };
}

/** The last day of a notice's period, by its rule's day counting (may throw CalendarYearUnsupported). */
function expiryOf(notice: NoticeKind, rule: NoticeRule, servedOn: string): string {
  if (notice === 'validation') {
    const receipt = addDays(servedOn, VALIDATION_RECEIPT.params.receipt_business_days, 'business', 'US');
    return addCalendarDays(receipt, VALIDATION_RECEIPT.params.period_days);
  }
  if (rule.params.counting === 'calendar') return addCalendarDays(servedOn, rule.params.period_days);
  if (rule.params.counting === 'calendar_extended')
    return addCalendarDaysExtended(servedOn, rule.params.period_days, rule.params.calendar);
  return addDays(servedOn, rule.params.period_days, rule.params.counting, rule.params.calendar);
}

/**
 * What a served notice still demands, on the lease's open charges now (read rent-first, disputes
 * carved out): the amount it demanded, less what has been paid on its charges since service, less
 * what a dispute entered since covers of them. A dispute released after service does not raise it
 * (the notice asked only for the undisputed amount); zero means the tenant did what it asked.
 * Notices served before these amounts were recorded fall back to the undisputed open amount.
 */
export function stillDemandedCents(
  notice: Record<string, unknown>,
  openCharges: readonly LeaseFacts['open_charges'][number][],
): number {
  const ids = (notice.charges as string[] | undefined) ?? [];
  const ofNotice = openCharges.filter((c) => ids.includes(c.external_id));
  const atService = notice.open_at_service_cents;
  if (typeof atService !== 'number') return ofNotice.reduce((sum, c) => sum + undisputedCents(c), 0);
  const demanded = Number(notice.amount_demanded_cents ?? 0);
  const paidSince = atService - ofNotice.reduce((sum, c) => sum + c.open_cents, 0);
  const disputedNow = ofNotice.reduce((sum, c) => sum + (c.disputed_cents ?? 0), 0);
  const newlyDisputed = Math.max(0, disputedNow - Number(notice.disputed_at_service_cents ?? 0));
  return Math.max(0, demanded - paidSince - newlyDisputed);
}
