import { ChargeEvent, LedgerEvent, type Rejection } from '@arrears/shared';
import type { z } from 'zod';

export interface NumberedRecord {
  /** 1-based position in the request or file. */
  row: number;
  value: unknown;
}

export interface ValidEvent {
  row: number;
  event: LedgerEvent;
}

export function issuePath(path: readonly PropertyKey[]): string {
  // `events[3].amount_cents`: indexes bind to the name before them, as people write paths.
  const text = path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`))
    .join('');
  return text || '(root)';
}

/**
 * A copy safe to store in PostgreSQL text or jsonb, which cannot hold U+0000: every NUL in a
 * string (or a key) becomes the six characters `\u0000`, so a rejected record is kept as it
 * was sent, readably.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\0', '\\u0000') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  return value;
}

/** The fields every kind of event has (amount_cents aside: a reversal may leave it out). */
const SHARED_FIELDS = ChargeEvent.pick({ lease_id: true, external_id: true, effective_on: true, memo: true });

/**
 * Every field's problem in one message (`a: …; b: …`); `field` is the first one's. Without a
 * valid `kind` the union cannot tell which event it is and names only `kind`: the fields every
 * kind shares are checked too, so a row missing them all hears of all of them at once.
 */
function allIssues(error: z.ZodError, value: unknown): { field: string; message: string } {
  const issues = [...error.issues];
  if (issues.some((issue) => issue.path[0] === 'kind')) {
    const shared = SHARED_FIELDS.safeParse(value);
    if (!shared.success) issues.push(...shared.error.issues);
  }
  const text = issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
  return { field: issuePath(issues[0]!.path), message: text.join('; ') };
}

/** Splits records into events ready to ingest and rejections naming the row and the field. */
export function validateLedgerRecords(records: readonly NumberedRecord[]): {
  valid: ValidEvent[];
  rejected: Rejection[];
} {
  const valid: ValidEvent[] = [];
  const rejected: Rejection[] = [];
  for (const record of records) {
    const parsed = LedgerEvent.safeParse(record.value);
    if (parsed.success) {
      valid.push({ row: record.row, event: parsed.data });
    } else {
      const { field, message } = allIssues(parsed.error, record.value);
      const externalId = (record.value as { external_id?: unknown } | null)?.external_id;
      rejected.push({
        row: record.row,
        ...(typeof externalId === 'string' ? { external_id: withoutNul(externalId) } : {}),
        code: 'invalid',
        field,
        message,
      });
    }
  }
  return { valid, rejected };
}
