import { z } from 'zod';
import { LocalDate } from './dates.ts';
import { PositiveCents } from './money.ts';

export const ChargeType = z.enum(['rent', 'late_fee', 'nsf_fee', 'utilities', 'other']);
export type ChargeType = z.infer<typeof ChargeType>;

export const EntryKind = z.enum(['charge', 'payment', 'credit', 'write_off', 'reversal']);
export type EntryKind = z.infer<typeof EntryKind>;

export const ReversalReason = z.enum(['nsf', 'chargeback', 'error', 'other']);
export type ReversalReason = z.infer<typeof ReversalReason>;

/** PostgreSQL text cannot hold U+0000, so no stored string may contain one. */
export const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';
const noNul = (text: string) => !text.includes('\0');

const Identifier = z
  .string({ message: 'expected a non-empty string' })
  .min(1, 'expected a non-empty string')
  .max(200, 'at most 200 characters')
  .refine(noNul, NUL_MESSAGE);

const common = {
  lease_id: Identifier,
  /** The id the source system gives this event; (org, source, external_id) makes ingest idempotent. */
  external_id: Identifier,
  amount_cents: PositiveCents,
  /** The local day the entry takes effect (posting date). */
  effective_on: LocalDate,
  memo: z.string().max(1000).refine(noNul, NUL_MESSAGE).optional(),
};

export const ChargeEvent = z.object({
  kind: z.literal('charge'),
  ...common,
  charge_type: ChargeType,
  /** Defaults to effective_on: a charge posted on its due date. */
  due_on: LocalDate.optional(),
});

export const PaymentEvent = z.object({ kind: z.literal('payment'), ...common });
export const CreditEvent = z.object({ kind: z.literal('credit'), ...common });
export const WriteOffEvent = z.object({ kind: z.literal('write_off'), ...common });

/** Undoes a payment (an NSF return, a chargeback); the charges it paid re-open at their original age. */
export const ReversalEvent = z.object({
  kind: z.literal('reversal'),
  ...common,
  /** Optional: when given it must equal the reversed payment's amount. */
  amount_cents: PositiveCents.optional(),
  /** The external_id (same source) of the payment being reversed. */
  reverses: Identifier,
  reason: ReversalReason.default('nsf'),
});

export const LedgerEvent = z.discriminatedUnion(
  'kind',
  [ChargeEvent, PaymentEvent, CreditEvent, WriteOffEvent, ReversalEvent],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `expected kind to be one of ${EntryKind.options.join(', ')}` : undefined,
  },
);
export type LedgerEvent = z.infer<typeof LedgerEvent>;

/** Arrears' own postings (fee reversals, fees): the engine reads them as not money received. */
export const RESERVED_SOURCE = 'arrears';

/** A caller's source name; `arrears` is Arrears' own and never accepted from outside. */
export const LedgerSource = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'expected a short lower-case source name such as "api" or "quickbooks"')
  .refine((source) => source !== RESERVED_SOURCE, `"${RESERVED_SOURCE}" is reserved for Arrears' own postings`);

export const MAX_EVENTS_PER_REQUEST = 10_000;

export const IngestRequest = z.object({
  source: LedgerSource.default('api'),
  /** All or nothing: any bad event rejects the whole batch. */
  strict: z.boolean().default(false),
  events: z
    .array(z.unknown())
    .min(1, 'expected at least one event')
    .max(MAX_EVENTS_PER_REQUEST, `at most ${MAX_EVENTS_PER_REQUEST} events per request`),
});
export type IngestRequest = z.infer<typeof IngestRequest>;

export const RejectionCode = z.enum([
  'invalid',
  'unknown_lease',
  'conflict',
  'unknown_payment',
  'reversal_mismatch',
  'strict_batch_rejected',
]);
export type RejectionCode = z.infer<typeof RejectionCode>;

export const Rejection = z.object({
  /** 1-based position in the request or file (CSV: the line's record number, header excluded). */
  row: z.number().int(),
  external_id: z.string().optional(),
  code: RejectionCode,
  field: z.string().optional(),
  message: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

export const IngestResult = z.object({
  received: z.number().int(),
  inserted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(Rejection),
  committed: z.boolean(),
});
export type IngestResult = z.infer<typeof IngestResult>;
