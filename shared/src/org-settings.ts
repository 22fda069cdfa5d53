import { z } from 'zod';

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
