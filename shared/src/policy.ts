import { z } from 'zod';
import { Cents, PositiveCents } from './money.ts';

/**
 * An escalation policy is data: levels derived from the ledger, and steps that fire on days
 * counted from the due date of the oldest unpaid charge (never from "the last run"). Published
 * policies are immutable `id@version`; a case pins the version it started with.
 */

const Slug = z
  .string({ message: 'expected a name of letters, digits, "-" or "_"' })
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'expected a name of letters, digits, "-" or "_" starting with a letter');

export const LeaseKind = z.enum(['residential', 'commercial']);
export type LeaseKind = z.infer<typeof LeaseKind>;

export const CollectorCapacity = z.enum(['first_party', 'third_party_manager', 'agency', 'attorney']);
export type CollectorCapacity = z.infer<typeof CollectorCapacity>;

export const TenantType = z.enum(['individual', 'business']);
export type TenantType = z.infer<typeof TenantType>;

export const Jurisdiction = z.string().regex(/^US-[A-Z]{2}$/, 'expected a US state as US-XX, e.g. US-CA');

/** Contacts a step can make; each goes through the send-time guards at dispatch. */
export const ContactChannel = z.enum(['email', 'sms', 'call', 'letter', 'certified_letter']);
export type ContactChannel = z.infer<typeof ContactChannel>;

export const NoticeKind = z.enum([
  'pay_or_quit',
  'rent_demand_14_day',
  'rent_not_received',
  'notice_to_vacate',
  'validation',
  'notice_of_default',
]);
export type NoticeKind = z.infer<typeof NoticeKind>;

export const StepAction = z.enum([
  ...ContactChannel.options,
  'notice',
  'crm_update',
  'task',
  'portal_block',
  'referral',
  'placement',
  'credit_report',
  'write_off',
  'close',
]);
export type StepAction = z.infer<typeof StepAction>;

/** Actions that end the automated track: hand-off to people or systems outside it. */
export const TERMINAL_ACTIONS: readonly StepAction[] = ['referral', 'placement', 'write_off', 'close'];
/** Actions that never run without a second person's approval (maker-checker). */
export const GATED_ACTIONS: readonly StepAction[] = ['notice', 'referral', 'placement', 'write_off'];

const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time as HH:MM');

export const StepCondition = z
  .object({
    lease_kind: z.array(LeaseKind).min(1).optional(),
    tenant_type: z.array(TenantType).min(1).optional(),
    segment: z.array(z.string().min(1)).min(1).optional(),
    collector: z.array(CollectorCapacity).min(1).optional(),
    jurisdiction: z.array(Jurisdiction).min(1).optional(),
  })
  .strict();
export type StepCondition = z.infer<typeof StepCondition>;

const IntRange = z
  .object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
  .strict()
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not exceed max');

export const Step = z
  .object({
    id: Slug,
    /** Days past the anchor charge's due date on which the step fires. */
    day: z.number().int().min(-60).max(3650),
    /** Local time (property zone) at which a contact is sent. */
    at: LocalTime.default('09:00'),
    action: StepAction,
    /** Which notice; required when action is `notice`. */
    notice: NoticeKind.optional(),
    /** Delivery channels for a notice (all are used); defaults to the rule pack's first allowed channel. */
    channels: z.array(ContactChannel).min(1).optional(),
    template: z.string().min(1).optional(),
    when: StepCondition.optional(),
    /** Who must approve; defaults to manager for gated actions. */
    approval: z.enum(['manager', 'counsel']).optional(),
    /** A missed step is still sent this many days late (catch-up); later it is skipped with a reason. */
    catch_up_days: z.number().int().min(0).max(60).default(3),
    /**
     * For a notice: the period (days) the step's template states. Never shorter than the law's:
     * a shorter one is refused when served, and when a scenario's CARES-covered property would use it.
     */
    period_days: z.number().int().min(0).max(365).optional(),
    /** For a referral: the notice whose expiry gates it. */
    after_notice: NoticeKind.optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    if (step.action === 'notice' && !step.notice)
      ctx.addIssue({ code: 'custom', path: ['notice'], message: 'a notice step must name its notice' });
    if (step.action !== 'notice' && step.notice)
      ctx.addIssue({ code: 'custom', path: ['notice'], message: 'only a notice step names a notice' });
  });
export type Step = z.infer<typeof Step>;

export const Level = z
  .object({
    id: Slug,
    name: z.string().optional(),
    /** Days past due of the oldest unpaid charge. */
    days: IntRange,
    balance_cents: IntRange.optional(),
    unpaid_charges: IntRange.optional(),
    steps: z.array(Step).default([]),
  })
  .strict();
export type Level = z.infer<typeof Level>;

export const Reminder = z
  .object({
    id: Slug,
    days_before_due: z.number().int().min(1).max(30),
    at: LocalTime.default('09:00'),
    channel: z.enum(['email', 'sms']),
    template: z.string().min(1).optional(),
    when: StepCondition.optional(),
  })
  .strict();
export type Reminder = z.infer<typeof Reminder>;

export const LateFeeTerms = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('flat'), amount_cents: PositiveCents }).strict(),
  z.object({ kind: z.literal('percent'), bps: z.number().int().min(1).max(10_000) }).strict(),
  z
    .object({
      kind: z.literal('percent_of_balance'),
      bps: z.number().int().min(1).max(10_000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('daily'),
      initial_cents: Cents,
      daily_cents: PositiveCents,
      cap_cents: PositiveCents.optional(),
    })
    .strict(),
]);
export type LateFeeTerms = z.infer<typeof LateFeeTerms>;

export const LateFeePolicy = z
  .object({
    enabled: z.boolean().default(true),
    /** Used when neither the property nor the lease has its own terms. */
    default_terms: LateFeeTerms.optional(),
    eligible_charge_types: z
      .array(z.enum(['rent', 'utilities', 'other']))
      .min(1)
      .default(['rent']),
    /** No fee while the past-due eligible balance is below this. */
    min_balance_cents: Cents.default(0),
    /** Local time at which fees post. */
    post_at: LocalTime.default('08:00'),
    /** The org requires a person to review each fee before it posts. */
    review: z.boolean().default(false),
  })
  .strict();
export type LateFeePolicy = z.infer<typeof LateFeePolicy>;

export const PolicyDocument = z
  .object({
    id: Slug,
    version: z.number().int().min(1).optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    applies_to: StepCondition.default({}),
    levels: z.array(Level).min(1, 'expected at least one level'),
    reminders: z.array(Reminder).default([]),
    late_fees: LateFeePolicy.default({
      enabled: true,
      eligible_charge_types: ['rent'],
      min_balance_cents: 0,
      post_at: '08:00',
      review: false,
    }),
    nsf_fee_cents: Cents.default(0),
    /** Apply the Reg F contact guards to first-party collection too. */
    reg_f_for_all: z.boolean().default(false),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const stepIds = new Map<string, string>();
    const days = effectiveDayRanges(policy.levels);
    const ordered = policy.levels.every(
      (l, i) => i === 0 || (l.days.min ?? 0) >= (policy.levels[i - 1]!.days.min ?? 0),
    );
    policy.levels.forEach((level, i) => {
      const previous = policy.levels[i - 1];
      // Equal starts are allowed (balance bands on the same days); the overlap check below
      // rejects two such levels unless their balance or count ranges tell them apart.
      if (previous && (level.days.min ?? 0) < (previous.days.min ?? 0))
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'days', 'min'],
          message: `levels must be ordered least severe first by days.min (${level.id} after ${previous.id})`,
        });
      level.steps.forEach((step, k) => {
        if (step.day < (level.days.min ?? 0))
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'steps', k, 'day'],
            message: `day ${step.day} is before level ${level.id} starts (days.min ${level.days.min ?? 0}); reminders before the due date go under reminders`,
          });
        if (step.after_notice && step.action !== 'referral')
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'steps', k, 'after_notice'],
            message: 'only a referral waits for a notice',
          });
        if (step.channels && step.action !== 'notice')
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'steps', k, 'channels'],
            message: 'only a notice step lists channels',
          });
      });
      policy.levels.forEach((other, j) => {
        // Out-of-order levels are reported above; their ranges mean nothing until fixed.
        if (j <= i || !ordered) return;
        if (
          overlaps(days[i]!, days[j]!) &&
          overlaps(level.balance_cents ?? {}, other.balance_cents ?? {}) &&
          overlaps(level.unpaid_charges ?? {}, other.unpaid_charges ?? {})
        )
          ctx.addIssue({
            code: 'custom',
            path: ['levels', j],
            message: `overlaps level ${level.id} (levels[${i}]): a lease could be at both`,
          });
      });
      if (policy.levels.findIndex((l) => l.id === level.id) !== i)
        ctx.addIssue({ code: 'custom', path: ['levels', i, 'id'], message: `duplicate level id ${level.id}` });
      level.steps.forEach((step, k) => {
        const seen = stepIds.get(step.id);
        if (seen)
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'steps', k, 'id'],
            message: `duplicate step id ${step.id} (also ${seen})`,
          });
        stepIds.set(step.id, `levels[${i}].steps[${k}]`);
      });
    });
    policy.reminders.forEach((reminder, k) => {
      if (stepIds.has(reminder.id))
        ctx.addIssue({
          code: 'custom',
          path: ['reminders', k, 'id'],
          message: `duplicate step id ${reminder.id} (also ${stepIds.get(reminder.id)})`,
        });
      stepIds.set(reminder.id, `reminders[${k}]`);
    });
  });
export type PolicyDocument = z.infer<typeof PolicyDocument>;
export type PolicyInput = z.input<typeof PolicyDocument>;

/**
 * A level's days without an explicit max run up to the day before the next level starts, so
 * the usual "L1 from 10 days, L2 from 30" never overlaps; an explicit max that reaches into
 * the next level does.
 */
export function effectiveDayRanges(levels: readonly { days: { min?: number; max?: number } }[]): {
  min: number;
  max: number;
}[] {
  return levels.map((level, i) => {
    const later = levels.slice(i + 1).find((l) => (l.days.min ?? 0) > (level.days.min ?? 0));
    const implicitMax = later ? (later.days.min ?? 0) - 1 : Number.POSITIVE_INFINITY;
    return { min: level.days.min ?? 0, max: level.days.max ?? implicitMax };
  });
}

function overlaps(a: { min?: number; max?: number }, b: { min?: number; max?: number }): boolean {
  const aMin = a.min ?? 0;
  const bMin = b.min ?? 0;
  const aMax = a.max ?? Number.POSITIVE_INFINITY;
  const bMax = b.max ?? Number.POSITIVE_INFINITY;
  return aMin <= bMax && bMin <= aMax;
}

/** `default-residential@3`: what a case pins. */
export const PolicyRef = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}@[1-9]\d*$/, 'expected id@version');
