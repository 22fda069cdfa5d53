import type { LeaseFacts } from './facts.ts';

/**
 * Who a contact goes to. Reminders and collection contacts go to the lease's billing contact
 * when it names one, else its primary tenant(s); a legal notice goes to every tenant on the
 * lease and to co-signers and guarantors, who are liable and entitled to it.
 */
export function recipientsFor(type: string, all: LeaseFacts['tenants']): string[] {
  // Nobody under a bankruptcy stay or deceased is written to, as guarantor or co-signer either
  // (11 U.S.C. 362 stays acts to collect from the debtor); the others on the lease still are.
  const tenants = all.filter((t) => !t.stayed);
  const byRole = (...roles: string[]) => tenants.filter((t) => roles.includes(t.role)).map((t) => t.id);
  if (type === 'notice') {
    const liable = byRole('primary', 'co_tenant', 'co_signer', 'guarantor');
    return liable.length ? liable : tenants.map((t) => t.id);
  }
  const billing = byRole('billing_contact');
  if (billing.length) return billing;
  const primary = byRole('primary');
  return primary.length ? primary : tenants.slice(0, 1).map((t) => t.id);
}
