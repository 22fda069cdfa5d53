import { z } from 'zod';

/** A calendar day, `YYYY-MM-DD`, in the lease's (property's) time zone. */
export const LocalDate = z
  .string({ message: 'expected a date as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((value) => {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'not a real calendar date');
export type LocalDate = z.infer<typeof LocalDate>;

/** An instant with an explicit offset, e.g. `2026-03-05T09:59:00-08:00`. */
export const Instant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 instant with an offset' });
export type Instant = z.infer<typeof Instant>;
