import type { Scenario } from '@arrears/shared';
import { BUILTIN_POLICIES } from '../policy/builtin.ts';

/**
 * The scenario's policy, for the leases it applies to. A lease of a kind the policy's
 * `applies_to.lease_kind` leaves out gets the built-in default for its kind, as in production
 * (`orgPolicyFor`): a commercial lease in a `default-residential` portfolio is on
 * `default-commercial`, not served a residential pay-or-quit.
 */
export function policyForKind(s: Scenario, policyId: string, kind: 'residential' | 'commercial'): string {
  const document = typeof s.policy === 'string' ? BUILTIN_POLICIES.get(s.policy) : s.policy;
  const kinds = document?.applies_to.lease_kind;
  if (!kinds || kinds.includes(kind)) return policyId;
  return kind === 'commercial' ? 'default-commercial' : 'default-residential';
}
