import { z } from 'zod';
import { Instant, LocalDate } from './dates.ts';
import { ChargeType, ReversalReason } from './ledger.ts';
import { Cents, PositiveCents } from './money.ts';
import { OrgSettings } from './org-settings.ts';
import { CollectorCapacity, LateFeeTerms, LeaseKind, NoticeKind, PolicyDocument, TenantType } from './policy.ts';

/**
 * A scenario file: a portfolio plus a timeline of inputs, run by `arrears simulate` through the
 * production code path. This is a public contract (docs: scenario-format.md); everything it
 * names is accepted exactly as written, and the product accepts a little more (marked below).
 */

/** Beyond the minimum: a number written bare (`id: 101`, a unit number) is the id "101". */
const Id = z.preprocess(
  (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value),
  z.string({ message: 'expected a non-empty id' }).min(1, 'expected a non-empty id').max(200),
);

export const UserRole = z.enum(['agent', 'manager', 'counsel', 'admin']);
export type UserRole = z.infer<typeof UserRole>;

/**
 * An ISO instant with offset, or a local date meaning 00:00 in the property's zone. Beyond the
 * minimum: ISO 8601 also lets an instant leave out the seconds (`2026-03-05T09:59-08:00`) or the
 * offset's colon (`-0800`); those are read as `2026-03-05T09:59:00-08:00`.
 */
export const ScenarioTime = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(value);
    if (!m) return value;
    const offset = m[3] === 'Z' ? 'Z' : `${m[3]!.slice(0, 3)}:${m[3]!.slice(-2)}`;
    return `${m[1]}${m[2] ?? ':00'}${offset}`;
  },
  z.union([LocalDate, Instant], {
    error: () => 'expected a local date YYYY-MM-DD or an ISO instant with offset',
  }),
);

const TimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as America/Los_Angeles');

export const ScenarioTenant = z
  .object({
    id: Id,
    name: z.string().min(1),
    email: z.string().email().optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number such as +14155550101')
      .optional(),
    phone_timezone: TimeZone.optional(),
    sms_consent: z.boolean().default(false),
    /** Beyond the minimum: autodialled calls need consent too (TCPA); defaults to sms_consent. */
    voice_consent: z.boolean().optional(),
    language: z.string().min(2).default('en'),
    /** Beyond the minimum. */
    type: TenantType.default('individual'),
    role: z.enum(['primary', 'co_tenant', 'co_signer', 'guarantor', 'billing_contact']).default('primary'),
  })
  .strict();

export const ScenarioLease = z
  .object({
    id: Id,
    property: Id,
    kind: LeaseKind,
    rent_cents: PositiveCents,
    due_day: z.number().int().min(1).max(31),
    grace_days: z.number().int().min(0).max(31).default(0),
    late_fee: LateFeeTerms.optional(),
    collector: CollectorCapacity.default('first_party'),
    segment: z.string().optional(),
    /** Beyond the minimum: days a commercial notice of default gives to cure. */
    cure_days: z.number().int().min(1).max(90).optional(),
    /** Beyond the minimum: the tenant pays by autopay, so reminders the autopay covers are skipped. */
    autopay: z.boolean().default(false),
    tenants: z.array(ScenarioTenant).min(1, 'expected at least one tenant'),
  })
  .strict();
export type ScenarioLease = z.infer<typeof ScenarioLease>;

export const ScenarioProperty = z
  .object({
    id: Id,
    jurisdiction: z.string().regex(/^US-[A-Z]{2}$/, 'expected a US state as US-XX, e.g. US-CA'),
    timezone: TimeZone,
    units: z.number().int().min(1),
    cares_covered: z.boolean().default(false),
    /** Beyond the minimum: property-level late-fee terms (a lease's own terms win). */
    late_fee: LateFeeTerms.optional(),
  })
  .strict();
export type ScenarioProperty = z.infer<typeof ScenarioProperty>;

const base = { at: ScenarioTime };
const leaseEvent = { ...base, lease: Id };

export const HoldKind = z.enum([
  'promise_to_pay',
  'payment_plan',
  'dispute',
  'bankruptcy',
  'scra',
  'deceased',
  'manual',
  'payment_in_transit',
]);
export type HoldKind = z.infer<typeof HoldKind>;

export const RequestAction = z.enum([
  'email',
  'sms',
  'call',
  'letter',
  'certified_letter',
  'notice',
  'escalate',
  'placement',
  'credit_report',
  'write_off',
  'remove_cares_flag',
]);
export type RequestAction = z.infer<typeof RequestAction>;

/** What each kind of hold must state (a scenario's hold event and the holds API alike). */
export function requireHoldTerms(
  hold: {
    kind: HoldKind;
    promises?: unknown;
    installments?: unknown;
    amount_cents?: unknown;
    chapter?: unknown;
    until?: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  const need = (field: 'promises' | 'installments' | 'amount_cents' | 'chapter' | 'until', why: string) => {
    if (hold[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: why });
  };
  if (hold.kind === 'promise_to_pay') need('promises', 'a promise to pay lists its promises');
  if (hold.kind === 'payment_plan') need('installments', 'a payment plan lists its installments');
  if (hold.kind === 'dispute') need('amount_cents', 'a dispute names the disputed amount');
  if (hold.kind === 'bankruptcy') need('chapter', 'a bankruptcy hold names the chapter (7, 11 or 13)');
  if (hold.kind === 'manual') need('until', 'a manual hold needs an end date');
}

/** A notice request names which notice. */
export function requireNoticeKind(request: { action: RequestAction; notice?: unknown }, ctx: z.RefinementCtx): void {
  if (request.action === 'notice' && !request.notice)
    ctx.addIssue({ code: 'custom', path: ['notice'], message: 'a notice request names its notice' });
}

/** A rejection gives its reason (maker-checker: the drafter learns why). */
export function requireRejectionReason(
  approval: { decision: 'approve' | 'reject'; reason?: string },
  ctx: z.RefinementCtx,
): void {
  if (approval.decision === 'reject' && !approval.reason)
    ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a rejection gives its reason' });
}

/** A promise's or plan's dated amount. */
export const Installment = z.object({ by: LocalDate, amount_cents: PositiveCents }).strict();

export const ScenarioEvent = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        ...leaseEvent,
        type: z.literal('charge'),
        id: Id,
        kind: ChargeType,
        amount_cents: PositiveCents,
        due: LocalDate.optional(),
      })
      .strict(),
    z.object({ ...leaseEvent, type: z.literal('payment'), id: Id, amount_cents: PositiveCents }).strict(),
    z
      .object({ ...leaseEvent, type: z.literal('reversal'), id: Id, of: Id, reason: ReversalReason.default('nsf') })
      .strict(),
    z
      .object({
        ...leaseEvent,
        type: z.literal('credit'),
        id: Id,
        amount_cents: PositiveCents,
        reason: z.string().optional(),
      })
      .strict(),
    z
      .object({
        ...leaseEvent,
        type: z.literal('write_off'),
        id: Id,
        amount_cents: PositiveCents,
        by: Id.optional(),
      })
      .strict(),
    z
      .object({
        ...leaseEvent,
        type: z.literal('hold'),
        id: Id,
        kind: HoldKind,
        by: Id,
        /** A backdated hold: the local day it took effect (defaults to the event's day). */
        from: LocalDate.optional(),
        until: LocalDate.optional(),
        promises: z.array(Installment).min(1).optional(),
        installments: z.array(Installment).min(1).optional(),
        amount_cents: PositiveCents.optional(),
        chapter: z.union([z.literal(7), z.literal(11), z.literal(13)]).optional(),
        reason: z.string().optional(),
      })
      .strict()
      .superRefine(requireHoldTerms),
    z
      .object({
        ...base,
        type: z.literal('hold_release'),
        hold: Id,
        /** Beyond the minimum: the hold's lease, needed only when two leases use the same hold id. */
        lease: Id.optional(),
        by: Id,
        reason: z.string().min(1),
      })
      .strict(),
    z.object({ ...leaseEvent, type: z.literal('flag'), by: Id, reason: z.string().min(1) }).strict(),
    z
      .object({ ...leaseEvent, type: z.literal('status'), status: z.enum(['grace_period', 'at_risk', 'current']) })
      .strict(),
    z
      .object({
        ...leaseEvent,
        type: z.literal('request'),
        id: Id,
        action: RequestAction,
        by: Id,
        notice: NoticeKind.optional(),
        channel: z.enum(['email', 'sms', 'call', 'letter', 'certified_letter']).optional(),
      })
      .strict()
      .superRefine(requireNoticeKind),
    z
      .object({
        ...base,
        type: z.literal('approval'),
        request: Id,
        /** Beyond the minimum: the request's lease, needed only when two leases use the same request id. */
        lease: Id.optional(),
        decision: z.enum(['approve', 'reject']),
        by: Id,
        reason: z.string().optional(),
      })
      .strict()
      .superRefine(requireRejectionReason),
    z
      .object({
        ...leaseEvent,
        type: z.literal('inbound'),
        channel: z.enum(['sms', 'email', 'call']),
        body: z.string(),
      })
      .strict(),
    z
      .object({
        ...leaseEvent,
        type: z.literal('delivery_failed'),
        channel: z.enum(['email', 'sms', 'call', 'letter', 'certified_letter']),
      })
      .strict(),
    z.object({ ...leaseEvent, type: z.literal('conversation'), channel: z.enum(['call']) }).strict(),
    z
      .object({
        ...leaseEvent,
        type: z.literal('move_out'),
        deposit_applied_cents: Cents.min(0, 'expected zero or a positive integer number of cents').default(0),
      })
      .strict(),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'expected type to be one of charge, payment, reversal, credit, write_off, hold, hold_release, flag, status, request, approval, inbound, delivery_failed, conversation, move_out'
        : undefined,
  },
);
export type ScenarioEvent = z.infer<typeof ScenarioEvent>;

export const Scenario = z
  .object({
    version: z.literal(1, { message: 'expected version: 1' }),
    start: LocalDate,
    end: LocalDate,
    policy: z.union([z.string().min(1), PolicyDocument]),
    users: z.array(z.object({ id: Id, role: UserRole }).strict()).default([]),
    properties: z.array(ScenarioProperty).min(1, 'expected at least one property'),
    leases: z.array(ScenarioLease).min(1, 'expected at least one lease'),
    events: z.array(ScenarioEvent).default([]),
    /** Beyond the minimum: org settings. */
    org: z
      .object({
        reg_f_for_all: z.boolean().default(false),
        fee_review: z.boolean().default(false),
        /** What happens to a partial payment while a notice is open (Florida 83.56(5)). */
        partial_payment_after_notice: z.enum(['accept_with_receipt', 'reject']).default('accept_with_receipt'),
        /** One email, text or letter per tenant for the reminders of all its leases due at once. */
        consolidate_contacts: z.boolean().default(false),
        /** The org's payment page (`{lease_id}`, `{org_id}`), as the setting: messages link to it; unset, no link. */
        payment_url: OrgSettings.shape.payment_url,
      })
      .strict()
      .default({
        reg_f_for_all: false,
        fee_review: false,
        partial_payment_after_notice: 'accept_with_receipt',
        consolidate_contacts: false,
        payment_url: null,
      }),
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;
