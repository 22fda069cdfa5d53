import type { LeaseKind } from '@arrears/shared';
import type { RuleVersion } from './rule.ts';

/**
 * Statutory limits on late fees. `min_days_unpaid`: the fee may post only once rent has been
 * unpaid this many full days after the due day. Caps are per late payment (one rent period),
 * and initial plus daily amounts count together as one fee.
 */
export interface LateFeeLimitParams {
  /** The kinds of lease the statute governs (both shipped limits are residential-tenancy law). */
  lease_kinds: readonly LeaseKind[];
  min_days_unpaid: number;
  cap:
    | { kind: 'none' }
    | { kind: 'lesser_of'; cents: number; bps_of_rent: number }
    | { kind: 'bps_of_rent_by_units'; small_max_units: number; small_bps: number; large_bps: number };
}

export type LateFeeLimit = RuleVersion<LateFeeLimitParams>;

export const LATE_FEE_RULES: Readonly<Record<string, readonly LateFeeLimit[]>> = {
  'US-NY': [
    {
      id: 'US-NY/late-fee-limit',
      effective_from: '2019-06-14',
      citation: 'N.Y. Real Prop. Law 238-a(2)',
      verified: true,
      summary: 'No late fee until rent is 5 days late; at most $50 or 5% of monthly rent, whichever is less.',
      params: {
        lease_kinds: ['residential'],
        min_days_unpaid: 5,
        cap: { kind: 'lesser_of', cents: 5000, bps_of_rent: 500 },
      },
    },
  ],
  'US-TX': [
    {
      id: 'US-TX/late-fee-limit',
      effective_from: '2019-01-01',
      citation: 'Tex. Prop. Code 92.019',
      verified: true,
      summary:
        'A fee only after rent is unpaid two full days after the due date; presumed reasonable up to 12% of monthly rent (4 units or fewer) or 10% (more than 4), initial and daily together.',
      params: {
        lease_kinds: ['residential'],
        min_days_unpaid: 2,
        cap: { kind: 'bps_of_rent_by_units', small_max_units: 4, small_bps: 1200, large_bps: 1000 },
      },
    },
  ],
};

/** The most a statute lets one period's late fees add up to, in cents (undefined: no cap). */
export function statutoryFeeCap(rule: LateFeeLimit | undefined, rentCents: number, units: number): number | undefined {
  if (!rule) return undefined;
  const cap = rule.params.cap;
  switch (cap.kind) {
    case 'none':
      return undefined;
    case 'lesser_of':
      return Math.min(cap.cents, Math.floor((rentCents * cap.bps_of_rent) / 10_000));
    case 'bps_of_rent_by_units':
      return Math.floor((rentCents * (units <= cap.small_max_units ? cap.small_bps : cap.large_bps)) / 10_000);
    default: {
      const never: never = cap;
      throw new Error(`unknown cap ${JSON.stringify(never)}`);
    }
  }
}
