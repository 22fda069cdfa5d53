import { z } from 'zod';
import { effectiveDayRanges, overlaps } from './level-days.ts';
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
  .superRefine(
    (step, ctx) => {
      // Runs on a step that failed other checks too (see `always`): its fields may be anything.
      if (!isStepAction(step.action)) return;
      if (step.action === 'notice' && step.notice === undefined)
        ctx.addIssue({ code: 'custom', path: ['notice'], message: 'a notice step must name its notice' });
      if (step.action !== 'notice' && step.notice !== undefined)
        ctx.addIssue({ code: 'custom', path: ['notice'], message: 'only a notice step names a notice' });
    },
    { when: always },
  );
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

/**
 * zod skips a refinement when the object it refines has failed; these run regardless, so a
 * policy with schema errors still gets its ordering, overlap, duplicate-id and step-day problems
 * in the same answer. They then see the raw input where a field failed, so each check reads
 * only the parts that are well-formed (`looseLevels`) and skips the rest.
 */
function always(): boolean {
  return true;
}

function isStepAction(value: unknown): value is StepAction {
  return StepAction.safeParse(value).success;
}

type Loose = Record<string, unknown>;
const asRecord = (value: unknown): Loose | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : undefined;
const asInt = (value: unknown): number | undefined => (Number.isInteger(value) ? (value as number) : undefined);
const asId = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

interface LooseStep {
  index: number;
  id?: string;
  day?: number;
  action?: StepAction;
  channels: boolean;
  afterNotice: boolean;
}

interface LooseLevel {
  index: number;
  id?: string;
  /** Undefined when `days` is malformed (reported by the schema): left out of range checks. */
  days?: { min?: number; max?: number };
  /** Where the level starts when that much is readable, even if its max is not. */
  start?: number;
  balance_cents: { min?: number; max?: number };
  unpaid_charges: { min?: number; max?: number };
  steps: LooseStep[];
}

/** A range whose bounds are whole numbers (or absent) and in order; undefined otherwise. */
function looseRange(value: unknown): { min?: number; max?: number } | undefined {
  if (value === undefined) return {};
  const range = asRecord(value);
  if (!range) return undefined;
  const min = asInt(range.min);
  const max = asInt(range.max);
  if ((range.min !== undefined && min === undefined) || (range.max !== undefined && max === undefined))
    return undefined;
  if (min !== undefined && max !== undefined && min > max) return undefined;
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

function looseLevels(levels: unknown): LooseLevel[] {
  if (!Array.isArray(levels)) return [];
  return levels.flatMap((value, index) => {
    const level = asRecord(value);
    if (!level) return [];
    const days = level.days === undefined ? undefined : looseRange(level.days);
    const rawMin = asRecord(level.days)?.min;
    const start = rawMin === undefined ? (asRecord(level.days) ? 0 : undefined) : asInt(rawMin);
    const steps = (Array.isArray(level.steps) ? level.steps : []).flatMap((raw: unknown, k) => {
      const step = asRecord(raw);
      if (!step) return [];
      return [
        {
          index: k,
          id: asId(step.id),
          day: asInt(step.day),
          action: isStepAction(step.action) ? step.action : undefined,
          channels: step.channels !== undefined,
          afterNotice: step.after_notice !== undefined,
        },
      ];
    });
    return [
      {
        index,
        id: asId(level.id),
        days,
        start,
        // A malformed band is reported by the schema; read as unbounded it can only add overlaps
        // already implied by the days, so it is simply left out.
        balance_cents: looseRange(level.balance_cents) ?? {},
        unpaid_charges: looseRange(level.unpaid_charges) ?? {},
        steps,
      },
    ];
  });
}

function crossFieldChecks(input: unknown, ctx: z.RefinementCtx): void {
  const policy = asRecord(input);
  if (!policy) return;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const levels = looseLevels(policy.levels);
  const ranged = levels.filter((l): l is LooseLevel & { days: { min?: number; max?: number } } => !!l.days);
  const days = effectiveDayRanges(ranged);
  let ordered = true;
  ranged.forEach((level, r) => {
    const previous = ranged[r - 1];
    // Equal starts are allowed (balance bands on the same days); the overlap check below
    // rejects two such levels unless their balance or count ranges tell them apart.
    if (previous && (level.days.min ?? 0) < (previous.days.min ?? 0)) {
      ordered = false;
      issue(
        ['levels', level.index, 'days', 'min'],
        `levels must be ordered least severe first by days.min (${level.id ?? `levels[${level.index}]`} after ${previous.id ?? `levels[${previous.index}]`})`,
      );
    }
  });
  for (const level of levels) {
    if (level.start === undefined) continue;
    const name = level.id ?? `levels[${level.index}]`;
    for (const step of level.steps) {
      if (step.day === undefined) continue;
      if (step.day < level.start)
        issue(
          ['levels', level.index, 'steps', step.index, 'day'],
          `day ${step.day} is before level ${name} starts (days.min ${level.start}); reminders before the due date go under reminders`,
        );
      else if (level.days?.max !== undefined && step.day > level.days.max)
        issue(
          ['levels', level.index, 'steps', step.index, 'day'],
          `day ${step.day} is after level ${name} ends (days.max ${level.days.max})`,
        );
    }
  }
  ranged.forEach((level, r) => {
    const name = level.id ?? `levels[${level.index}]`;
    // Out-of-order levels are reported above; their ranges mean nothing until fixed.
    if (!ordered) return;
    ranged.forEach((other, o) => {
      if (o <= r) return;
      if (
        overlaps(days[r]!, days[o]!) &&
        overlaps(level.balance_cents, other.balance_cents) &&
        overlaps(level.unpaid_charges, other.unpaid_charges)
      )
        issue(['levels', other.index], `overlaps level ${name} (levels[${level.index}]): a lease could be at both`);
    });
  });
  const stepIds = new Map<string, string>();
  const levelIds = new Set<string>();
  for (const level of levels) {
    if (level.id !== undefined) {
      if (levelIds.has(level.id)) issue(['levels', level.index, 'id'], `duplicate level id ${level.id}`);
      levelIds.add(level.id);
    }
    for (const step of level.steps) {
      const path = ['levels', level.index, 'steps', step.index];
      if (step.afterNotice && step.action !== undefined && step.action !== 'referral')
        issue([...path, 'after_notice'], 'only a referral waits for a notice');
      if (step.channels && step.action !== undefined && step.action !== 'notice')
        issue([...path, 'channels'], 'only a notice step lists channels');
      if (step.id === undefined) continue;
      const seen = stepIds.get(step.id);
      if (seen) issue([...path, 'id'], `duplicate step id ${step.id} (also ${seen})`);
      stepIds.set(step.id, `levels[${level.index}].steps[${step.index}]`);
    }
  }
  (Array.isArray(policy.reminders) ? policy.reminders : []).forEach((raw: unknown, k) => {
    const id = asId(asRecord(raw)?.id);
    if (id === undefined) return;
    const seen = stepIds.get(id);
    if (seen) issue(['reminders', k, 'id'], `duplicate step id ${id} (also ${seen})`);
    stepIds.set(id, `reminders[${k}]`);
  });
}

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
  .superRefine((policy, ctx) => crossFieldChecks(policy, ctx), { when: always });
export type PolicyDocument = z.infer<typeof PolicyDocument>;
export type PolicyInput = z.input<typeof PolicyDocument>;

/** `default-residential@3`: what a case pins. */
export const PolicyRef = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}@[1-9]\d*$/, 'expected id@version');
