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
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.') || '(root)';
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
