import { z } from 'zod';
export const Cents = z.number().int();
export type Cents = z.infer<typeof Cents>;
