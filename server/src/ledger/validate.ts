import { LedgerEvent, type Rejection } from '@arrears/shared';
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

function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  return { field: issuePath(issue.path), message: issue.message };
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
      const { field, message } = firstIssue(parsed.error);
      const externalId = (record.value as { external_id?: unknown } | null)?.external_id;
      rejected.push({
        row: record.row,
        ...(typeof externalId === 'string' ? { external_id: externalId } : {}),
        code: 'invalid',
        field,
        message: `${field}: ${message}`,
      });
    }
  }
  return { valid, rejected };
}
