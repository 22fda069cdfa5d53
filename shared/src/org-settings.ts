import { z } from 'zod';

/** Where plain http is allowed: a developer's own machine, never a host a tenant could reach. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);
const PAYMENT_URL_PLACEHOLDERS = ['{lease_id}', '{org_id}'];

/**
 * A payment URL template with the ids given filled in, URL-encoded (a lease id such as `4B/12`
 * stays one path segment); a placeholder whose id is not given is left for a later fill.
 */
export function fillPaymentUrl(template: string, ids: { org_id?: string; lease_id?: string }): string {
  return template.replace(/\{(lease_id|org_id)\}/g, (whole, key: 'lease_id' | 'org_id') => {
    const id = ids[key];
    return id === undefined ? whole : encodeURIComponent(id);
  });
}

/**
 * The org's own payment page (its tenant portal or payment provider): Arrears takes no payments,
 * so a link in a tenant's message must go where the landlord takes rent. Checked as the URL it
 * becomes, so a template that only breaks once filled in is refused when it is set.
 */
const PaymentUrl = z
  .string()
  .max(2000)
  .superRefine((template, ctx) => {
    const unknown = [...template.matchAll(/\{[^{}]*\}/g)]
      .map((m) => m[0])
      .filter((p) => !PAYMENT_URL_PLACEHOLDERS.includes(p));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder ${[...new Set(unknown)].join(', ')}; only {lease_id} and {org_id} are filled in`,
      });
      return;
    }
    const filled = fillPaymentUrl(template, { org_id: 'org', lease_id: 'lease' });
    if (/[{}]/.test(filled)) {
      ctx.addIssue({ code: 'custom', message: 'a "{" or "}" outside the placeholders {lease_id} and {org_id}' });
      return;
    }
    let url: URL;
    try {
      url = new URL(filled);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `not a URL: "${template}"; expected e.g. https://pay.example.com/{lease_id}`,
      });
      return;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)))
      ctx.addIssue({
        code: 'custom',
        message: `expected an https URL (http only for localhost or 127.0.0.1, in development), got ${url.protocol}//${url.host}`,
      });
    // Every tenant would read them.
    else if (url.username || url.password)
      ctx.addIssue({ code: 'custom', message: 'a payment URL may not carry a user name or password' });
  });

/**
 * The knobs an org's admin sets (`orgs.settings`), with their defaults. The runner and the engine
 * read them; `arrears org settings` and `PATCH /v1/org/settings` write them, validated here so a
 * typo or a bad value is refused when it is typed, not discovered by a job at 3 a.m.
 */
export const OrgSettings = z
  .object({
    /** The scheduled scan opens work on leases this many days past due (the seed's "5/10/30"). */
    scan_overdue_days: z
      .array(z.number().int().min(0).max(3650))
      .min(1)
      .max(20)
      .default([5, 10, 30])
      .describe('Days past due at which the scheduled scan evaluates a lease'),
    /** Policies a lease's first case pins, by lease kind (the latest published version). */
    policies: z
      .object({ residential: z.string().min(1).optional(), commercial: z.string().min(1).optional() })
      .strict()
      .default({})
      .describe('Policy id per lease kind; built-ins (default-residential, default-commercial) otherwise'),
    /** Treat every residential collection as a debt collector's (Reg F wording, validation notice). */
    reg_f_for_all: z.boolean().default(false),
    /** A person reviews each late fee before it posts. */
    fee_review: z.boolean().default(false),
    /** What happens to a partial payment while a notice is open (Florida 83.56(5)). */
    partial_payment_after_notice: z.enum(['accept_with_receipt', 'reject']).default('accept_with_receipt'),
    /** One email, text or letter per tenant for the reminders of all its leases due at once. */
    consolidate_contacts: z.boolean().default(false),
    /**
     * The link tenant messages carry to pay (`{lease_id}`, `{org_id}` filled in); unset, they
     * carry none and say nothing of paying online.
     */
    payment_url: PaymentUrl.nullable()
      .default(null)
      .describe("The org's payment page for a lease, e.g. https://pay.example.com/{lease_id}; unset: no link"),
  })
  .strict();
export type OrgSettings = z.infer<typeof OrgSettings>;

export const ORG_SETTING_KEYS = Object.keys(OrgSettings.shape) as (keyof OrgSettings)[];

/**
 * A change, as a JSON merge patch (RFC 7396): a key given is set, a key given as null returns to
 * its default, a key left out is kept. `policies` merges the same way, one level down.
 */
export const OrgSettingsPatch = z
  .object({
    scan_overdue_days: OrgSettings.shape.scan_overdue_days.removeDefault().nullable(),
    policies: z
      .object({
        residential: z.string().min(1).nullable(),
        commercial: z.string().min(1).nullable(),
      })
      .partial()
      .strict()
      .nullable(),
    reg_f_for_all: z.boolean().nullable(),
    fee_review: z.boolean().nullable(),
    partial_payment_after_notice: OrgSettings.shape.partial_payment_after_notice.removeDefault().nullable(),
    consolidate_contacts: z.boolean().nullable(),
    payment_url: PaymentUrl.nullable(),
  })
  .partial()
  .strict();
export type OrgSettingsPatch = z.infer<typeof OrgSettingsPatch>;

/** `PATCH /v1/org/settings`: who changes it (an admin of the org, audited) and what. */
export const OrgSettingsUpdate = z
  .object({
    user_id: z.string().min(1).max(200).describe('The admin (a user of this org) making the change; audited'),
    settings: OrgSettingsPatch,
  })
  .strict();

export const OrgSettingsView = z.object({
  org_id: z.string(),
  /** Every setting, defaults filled in. */
  settings: OrgSettings,
  /** What changed in this request, by key; empty for a read or a no-op. */
  changed: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});
