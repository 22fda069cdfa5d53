import type { ContactChannel, NoticeKind } from '@arrears/shared';
import type { HolidayCalendarId } from '../calendar/index.ts';
import type { RuleVersion } from './rule.ts';

/**
 * Statutory notices per jurisdiction. The version in effect on the notice date decides its
 * period, day counting and template; `amount` says what the notice may demand (California's
 * pay-or-quit demands rent only: an overstated amount makes the notice defective).
 */
export interface NoticeParams {
  notice: NoticeKind;
  /** Days the notice gives; 0 when it only informs. */
  period_days: number;
  /**
   * calendar | calendar_extended (calendar days; a period whose last day is a Saturday, Sunday or
   * holiday of `calendar` runs to the next business day) | business (weekends and holidays
   * excluded) | court (same, court calendar)
   */
  counting: 'calendar' | 'calendar_extended' | 'business' | 'court';
  calendar: HolidayCalendarId;
  amount: 'rent_only' | 'all_charges' | 'none';
  /** Delivery channels the law accepts for this notice; anything else is refused. */
  channels: readonly ContactChannel[];
  template: string;
  /** Channels used when a step or request names none; defaults to the first allowed. */
  default_channels?: readonly ContactChannel[];
  /** When the notice is due by law: this many days after the due date with rent unpaid. */
  due_after_days?: number;
}

export type NoticeRule = RuleVersion<NoticeParams>;

/** Florida: partial rent accepted after the 3-day notice needs a receipt or a new notice. */
export const FL_PARTIAL_RENT_AFTER_NOTICE: RuleVersion<{ notices: readonly NoticeKind[] }> = {
  id: 'US-FL/partial-rent-after-notice',
  effective_from: '2013-07-01',
  citation: 'Fla. Stat. 83.56(5)(a)',
  verified: true,
  summary:
    'Partial rent accepted after the notice waives the default unless the landlord gives a receipt, deposits it in the court registry, or serves a new notice.',
  params: { notices: ['pay_or_quit'] },
};

const WRITTEN: readonly ContactChannel[] = ['letter', 'certified_letter'];

export const NOTICE_RULES: Readonly<Record<string, readonly NoticeRule[]>> = {
  'US-CA': [
    {
      id: 'US-CA/pay-or-quit',
      effective_from: '2019-01-01',
      citation: 'Cal. Code Civ. Proc. 1161(2)',
      verified: true,
      summary: '3 days to pay or quit, excluding Saturdays, Sundays and judicial holidays; rent only (AB 2343).',
      params: {
        notice: 'pay_or_quit',
        period_days: 3,
        counting: 'court',
        calendar: 'US-CA-judicial',
        amount: 'rent_only',
        channels: WRITTEN,
        template: 'ca-pay-or-quit-2019',
      },
    },
  ],
  'US-FL': [
    {
      id: 'US-FL/three-day-notice',
      effective_from: '2013-07-01',
      citation: 'Fla. Stat. 83.56(3)',
      verified: true,
      summary: '3 days to pay or deliver possession, excluding Saturday, Sunday and court holidays; statutory form.',
      params: {
        notice: 'pay_or_quit',
        period_days: 3,
        counting: 'court',
        calendar: 'US-FL',
        amount: 'rent_only',
        channels: WRITTEN,
        template: 'fl-83-56-3-notice',
      },
    },
  ],
  'US-NY': [
    {
      id: 'US-NY/rent-not-received',
      effective_from: '2019-06-14',
      citation: 'N.Y. Real Prop. Law 235-e(d)',
      verified: true,
      summary: 'Certified-mail notice if rent is not received within 5 days after it is due.',
      params: {
        notice: 'rent_not_received',
        period_days: 0,
        counting: 'calendar',
        calendar: 'US-NY',
        amount: 'all_charges',
        channels: ['certified_letter'],
        template: 'ny-235-e-rent-not-received',
        due_after_days: 5,
      },
    },
    {
      id: 'US-NY/rent-demand-14-day',
      effective_from: '2019-06-14',
      citation: 'N.Y. RPAPL 711(2)',
      verified: true,
      summary:
        'Written 14-day demand for rent before a nonpayment proceeding; a period ending on a Saturday, Sunday or public holiday runs to the next business day (N.Y. Gen. Constr. Law 25-a).',
      params: {
        notice: 'rent_demand_14_day',
        period_days: 14,
        counting: 'calendar_extended',
        calendar: 'US-NY',
        amount: 'rent_only',
        channels: WRITTEN,
        template: 'ny-711-14-day-demand',
      },
    },
  ],
  'US-TX': [
    {
      id: 'US-TX/notice-to-vacate',
      effective_from: '2009-01-01',
      effective_to: '2026-01-01',
      citation: 'Tex. Prop. Code 24.005',
      verified: true,
      summary: 'At least 3 days written notice to vacate before a forcible detainer suit.',
      params: {
        notice: 'notice_to_vacate',
        period_days: 3,
        // Code Construction Act: a period whose last day is a Saturday, Sunday or legal holiday
        // is extended to the next day that is none of them (Tex. Gov. Code 311.014(b)).
        counting: 'calendar_extended',
        calendar: 'US-TX',
        amount: 'all_charges',
        channels: WRITTEN,
        template: 'tx-24-005-notice-to-vacate',
      },
    },
    {
      id: 'US-TX/notice-to-vacate',
      effective_from: '2026-01-01',
      citation: 'Tex. Prop. Code 24.005 as amended by SB 38 (2025)',
      // The enrolled text of SB 38 has not been checked: a notice under it needs counsel.
      verified: false,
      summary: 'Notice to vacate for suits filed from 2026-01-01 under SB 38 (verify the enrolled text).',
      params: {
        notice: 'notice_to_vacate',
        period_days: 3,
        // Code Construction Act: a period whose last day is a Saturday, Sunday or legal holiday
        // is extended to the next day that is none of them (Tex. Gov. Code 311.014(b)).
        counting: 'calendar_extended',
        calendar: 'US-TX',
        amount: 'all_charges',
        channels: WRITTEN,
        template: 'tx-24-005-notice-to-vacate-sb38',
      },
    },
  ],
  US: [
    {
      id: 'US/validation-notice',
      effective_from: '2021-11-30',
      citation: '12 CFR 1006.34',
      verified: true,
      summary:
        'Validation notice within 5 days of the first communication; the period ends 30 days after assumed receipt (5 days after mailing, excluding weekends and federal holidays).',
      params: {
        notice: 'validation',
        period_days: 30,
        counting: 'calendar',
        calendar: 'US',
        amount: 'all_charges',
        channels: ['letter', 'email'],
        template: 'reg-f-model-validation-notice',
      },
    },
  ],
};

/** A commercial notice of default gives what the lease says; it is a contract term, not a statute. */
export function noticeOfDefaultRule(cureDays: number): NoticeRule {
  return {
    id: 'lease/notice-of-default',
    effective_from: '1970-01-01',
    citation: 'lease terms (cure period)',
    verified: true,
    summary: `Written notice of default giving ${cureDays} days to cure, as the lease provides.`,
    params: {
      notice: 'notice_of_default',
      period_days: cureDays,
      counting: 'calendar',
      calendar: 'US',
      amount: 'all_charges',
      channels: ['certified_letter', 'email', 'letter'],
      default_channels: ['certified_letter', 'email'],
      template: 'commercial-notice-of-default',
    },
  };
}
