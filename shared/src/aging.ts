import { z } from 'zod';
import { LocalDate } from './dates.ts';
import { Cents } from './money.ts';
import { ChargeType } from './ledger.ts';

/** Open receivables by days past due. Charges not yet due are reported apart, never as overdue. */
export const AgingBuckets = z.object({
  not_due_cents: Cents,
  d0_30_cents: Cents,
  d31_60_cents: Cents,
  d61_90_cents: Cents,
  d90_plus_cents: Cents,
});
export type AgingBuckets = z.infer<typeof AgingBuckets>;

export const LeaseAging = z.object({
  lease_id: z.string(),
  property_id: z.string(),
  as_of: LocalDate,
  /** Charges minus payments, credits and write-offs; negative when the tenant holds a credit. */
  balance_cents: Cents,
  /** Open charges whose due date has come (due date <= as_of). */
  past_due_cents: Cents,
  /** Payments and credits not yet applied to any charge. */
  unapplied_credit_cents: Cents,
  oldest_unpaid_due_on: LocalDate.nullable(),
  /** as_of minus the due date of the oldest unpaid charge; 0 when nothing is due. */
  days_past_due: z.number().int(),
  aging: AgingBuckets,
});
export type LeaseAging = z.infer<typeof LeaseAging>;

export const OpenCharge = z.object({
  id: z.number().int(),
  external_id: z.string(),
  charge_type: ChargeType,
  due_on: LocalDate,
  amount_cents: Cents,
  open_cents: Cents,
  days_past_due: z.number().int(),
});
export type OpenCharge = z.infer<typeof OpenCharge>;

export const LeaseView = z.object({
  id: z.string(),
  property_id: z.string(),
  unit: z.string().nullable(),
  kind: z.enum(['residential', 'commercial']),
  status: z.string(),
  rent_cents: Cents,
  due_day: z.number().int(),
  grace_days: z.number().int(),
  aging: LeaseAging,
  open_charges: z.array(OpenCharge),
});
export type LeaseView = z.infer<typeof LeaseView>;
