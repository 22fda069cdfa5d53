import type { RuleVersion } from './rule.ts';

/** Federal rules the engine applies when it plans steps (the send-time ones live in federal-contact.ts). */

export const CARES_NOTICE_TO_VACATE: RuleVersion<{ min_days: number }> = {
  id: 'US/cares-notice-to-vacate',
  effective_from: '2020-03-27',
  citation: '15 U.S.C. 9058(c)',
  verified: true,
  summary: 'A covered dwelling: no vacate date earlier than 30 days after the notice to vacate.',
  params: { min_days: 30 },
};

export const VALIDATION_RECEIPT: RuleVersion<{ receipt_business_days: number; period_days: number }> = {
  id: 'US/validation-period',
  effective_from: '2021-11-30',
  citation: '12 CFR 1006.34(b)(5)',
  verified: true,
  summary:
    'Validation period ends 30 days after receipt, assumed 5 days (excluding weekends and federal holidays) after mailing.',
  params: { receipt_business_days: 5, period_days: 30 },
};

export const CREDIT_FURNISHING_WAIT: RuleVersion<{ wait_days: number }> = {
  id: 'US/credit-furnishing-wait',
  effective_from: '2021-11-30',
  citation: '12 CFR 1006.30(a)',
  verified: true,
  summary: 'No furnishing to a credit bureau before communicating and waiting 14 days for an undeliverable notice.',
  params: { wait_days: 14 },
};

export const BANKRUPTCY_STAY_ACTIONS: RuleVersion<{ release_reasons: readonly string[] }> = {
  id: 'US/bankruptcy-automatic-stay',
  effective_from: '2005-10-17',
  citation: '11 U.S.C. 362(a), 362(b)(22)',
  verified: true,
  summary:
    'A petition stays acts to collect and to obtain possession, unless the court lifts the stay or a residential lessor holds a pre-petition judgment for possession.',
  params: { release_reasons: ['stay_relief_order', 'pre_petition_judgment'] },
};

export const SCRA_PROTECTIONS: RuleVersion<Record<string, never>> = {
  id: 'US/scra-protections',
  effective_from: '2003-12-19',
  citation: '50 U.S.C. 3919, 3931, 3951 (Servicemembers Civil Relief Act)',
  // The statute's text and its thresholds have not been checked line by line: the product holds
  // every legal step, placement and credit report for a servicemember, which is the safe side.
  verified: false,
  summary:
    'A servicemember in military service: no eviction or default judgment without a court order; exercising SCRA rights is no ground for an adverse credit report. Legal steps, placement and credit reporting are held.',
  params: {},
};
