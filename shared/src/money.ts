import { z } from 'zod';

/** Money is integer cents, always. */
export const Cents = z
  .number({ message: 'expected an integer number of cents' })
  .int('expected an integer number of cents');
export type Cents = z.infer<typeof Cents>;

export const PositiveCents = Cents.positive('expected a positive integer number of cents').max(
  Number.MAX_SAFE_INTEGER,
  'amount too large',
);
export type PositiveCents = z.infer<typeof PositiveCents>;
