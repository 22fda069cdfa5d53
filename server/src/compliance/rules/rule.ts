/**
 * Legal rules are data. Each rule has versions with an effective date; the version in effect on
 * the day an action happens decides it, and every decision names the rule (id@effective_from,
 * citation, verified) so an auditor can trace it. A rule marked unverified is still applied,
 * but any legal step it governs needs a person's approval.
 */
export interface RuleVersion<Params> {
  /** `US-CA/pay-or-quit`, `US/reg-f-quiet-hours`: jurisdiction, slash, rule name. */
  readonly id: string;
  /** First local day this version applies to (inclusive). */
  readonly effective_from: string;
  /** First local day it no longer applies (exclusive); absent while in force. */
  readonly effective_to?: string;
  readonly citation: string;
  readonly verified: boolean;
  /** One sentence for people: what the rule requires. */
  readonly summary: string;
  readonly params: Params;
}

/** How a decision names the rule that made it, exactly as `simulate --json` prints it. */
export interface RuleRef {
  readonly id: string;
  readonly citation: string;
  readonly verified: boolean;
}

export function ruleRef(rule: RuleVersion<unknown>): RuleRef {
  return { id: `${rule.id}@${rule.effective_from}`, citation: rule.citation, verified: rule.verified };
}

/** The version of a rule in effect on a local day, or undefined when none is. */
export function ruleInEffect<P>(versions: readonly RuleVersion<P>[], on: string): RuleVersion<P> | undefined {
  let found: RuleVersion<P> | undefined;
  for (const version of versions) {
    if (version.effective_from > on) continue;
    if (version.effective_to !== undefined && version.effective_to <= on) continue;
    if (found === undefined || version.effective_from > found.effective_from) found = version;
  }
  return found;
}
