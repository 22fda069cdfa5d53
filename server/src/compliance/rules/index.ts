import type { LeaseKind, NoticeKind } from '@arrears/shared';
import { FEDERAL_CONTACT_RULES } from './federal-contact.ts';
import { LATE_FEE_RULES, type LateFeeLimit } from './late-fees.ts';
import { NOTICE_RULES, noticeOfDefaultRule, type NoticeRule } from './notices.ts';
import { ruleInEffect, type RuleVersion } from './rule.ts';

export { ruleInEffect, ruleRef, type RuleRef, type RuleVersion } from './rule.ts';
export type { NoticeRule, NoticeParams } from './notices.ts';
export type { LateFeeLimit } from './late-fees.ts';
export { statutoryFeeCap } from './late-fees.ts';

/** Jurisdictions with a state pack; any other US-XX gets the federal rules only. */
export const STATE_PACKS = ['US-CA', 'US-NY', 'US-TX', 'US-FL'] as const;

/** The notice rule in effect on a day for a jurisdiction, falling back to federal ones. */
export function noticeRule(
  jurisdiction: string,
  notice: NoticeKind,
  on: string,
  lease: { cure_days?: number | null },
): NoticeRule | undefined {
  if (notice === 'notice_of_default') return noticeOfDefaultRule(lease.cure_days ?? 10);
  for (const pack of [jurisdiction, 'US']) {
    const versions = (NOTICE_RULES[pack] ?? []).filter((rule) => rule.params.notice === notice);
    const found = ruleInEffect(versions, on);
    if (found) return found;
  }
  return undefined;
}

/** The statutory late-fee limit for a lease of this kind on a day (RPL 238-a, 92.019: residential only). */
export function lateFeeLimit(jurisdiction: string, on: string, leaseKind: LeaseKind): LateFeeLimit | undefined {
  const rule = ruleInEffect(LATE_FEE_RULES[jurisdiction] ?? [], on);
  return rule && rule.params.lease_kinds.includes(leaseKind) ? rule : undefined;
}

/** Every rule version shipped, for `arrears rules` and the README table. */
export function allRules(): RuleVersion<unknown>[] {
  return [...Object.values(NOTICE_RULES).flat(), ...Object.values(LATE_FEE_RULES).flat(), ...FEDERAL_CONTACT_RULES];
}
