import fs from 'node:fs';
import type { Rejection } from '@arrears/shared';
import type { Database, Trx } from '../db/database.ts';
import { noteLedgerWrites } from '../db/statistics.ts';
import { AppError } from '../errors.ts';
import { ingestChunk, recordRejections, type IngestContext } from '../ledger/ingest.ts';
import type { NumberedRecord } from '../ledger/validate.ts';
import type { ImportProgress } from './progress.ts';
import { detectFormat, readRecords, type FileFormat } from './readers.ts';

export interface ImportOptions {
  format?: FileFormat;
  /** Rows per transaction (non-strict) and per set-based merge. */
  chunkSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** How many rejections to keep in memory for the report; all of them are stored in the database. */
  keepRejections?: number;
}

export interface ImportSummary {
  file: string;
  format: FileFormat;
  received: number;
  inserted: number;
  duplicates: number;
  rejectedCount: number;
  rejected: Rejection[];
  committed: boolean;
  /**
   * Where the file stopped being readable (malformed JSON or CSV): also a rejection of that row.
   * The rows before it were handled as usual (kept in their chunks unless --strict); nothing
   * after it was read.
   */
  malformed?: { row: number; message: string };
}

class StrictImportFailed extends Error {}

/**
 * Streams a CSV, JSON or NDJSON ledger file into the ledger in chunks. Non-strict: each chunk
 * commits on its own, so a crash half way keeps what was done and a re-run skips it
 * (idempotent ids). Strict: one transaction for the whole file, rolled back on any bad row;
 * the rejections are still recorded afterwards.
 */
export async function importLedgerFile(
  db: Database,
  ctx: IngestContext,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const format = options.format ?? detectFormat(file);
  if (!format)
    throw new AppError('invalid_request', `${file}: unknown file type; use .csv, .json or .ndjson, or pass --format`);
  const stat = await fs.promises.stat(file).catch(() => {
    throw new AppError('not_found', `${file}: no such file`);
  });
  const chunkSize = options.chunkSize ?? 10_000;
  // A ledger that has never been analysed is planned as empty, and a big first chunk against
  // it can take minutes; a small first chunk lets noteLedgerWrites gather statistics first.
  let limit = Math.min(chunkSize, 1_000);
  const keep = options.keepRejections ?? 1000;
  const input = fs.createReadStream(file);
  const summary: ImportSummary = {
    file,
    format,
    received: 0,
    inserted: 0,
    duplicates: 0,
    rejectedCount: 0,
    rejected: [],
    committed: true,
  };
  const allRejections: { rejection: Rejection; payload: unknown }[] = [];
  const report = () =>
    options.onProgress?.({
      bytes: input.bytesRead,
      totalBytes: stat.size,
      rows: summary.received,
      inserted: summary.inserted,
      duplicates: summary.duplicates,
      rejected: summary.rejectedCount,
    });

  const noteRejections = (rejections: readonly Rejection[], payloads: Map<number, unknown>) => {
    summary.rejectedCount += rejections.length;
    for (const r of rejections) {
      if (summary.rejected.length < keep) summary.rejected.push(r);
      if (ctx.strict) allRejections.push({ rejection: r, payload: payloads.get(r.row) });
    }
  };

  /** `unreadable`: what the rows that could not be parsed held (CSV cells), kept with their rejection. */
  const processChunk = async (
    trx: Trx,
    records: NumberedRecord[],
    parseErrors: Rejection[],
    unreadable: Map<number, unknown>,
  ) => {
    const payloads = new Map<number, unknown>([...unreadable, ...records.map((r) => [r.row, r.value] as const)]);
    const result = await ingestChunk(trx, db, ctx, records);
    const rejected = [...parseErrors, ...result.rejected].sort((a, b) => a.row - b.row);
    if (!ctx.strict) await recordRejections(trx, ctx, rejected, (row) => payloads.get(row) ?? null);
    summary.received += records.length + parseErrors.length;
    summary.inserted += result.inserted;
    summary.duplicates += result.duplicates;
    noteRejections(rejected, payloads);
    report();
  };

  const run = async (inTransaction: (work: (trx: Trx) => Promise<void>) => Promise<void>) => {
    let records: NumberedRecord[] = [];
    let parseErrors: Rejection[] = [];
    let unreadable = new Map<number, unknown>();
    for await (const record of readRecords(file, format, input)) {
      if ('malformed' in record) {
        summary.malformed = { row: record.row, message: record.malformed };
        parseErrors.push({ row: record.row, code: 'invalid', field: '(file)', message: record.malformed });
        break;
      }
      if ('parseError' in record) {
        parseErrors.push({ row: record.row, code: 'invalid', field: '(row)', message: record.parseError });
        if (record.raw !== undefined) unreadable.set(record.row, record.raw);
      } else {
        records.push(record);
      }
      if (records.length + parseErrors.length >= limit) {
        limit = chunkSize;
        const [r, p, u] = [records, parseErrors, unreadable];
        records = [];
        parseErrors = [];
        unreadable = new Map();
        await inTransaction((trx) => processChunk(trx, r, p, u));
      }
    }
    if (records.length + parseErrors.length > 0)
      await inTransaction((trx) => processChunk(trx, records, parseErrors, unreadable));
  };

  try {
    if (ctx.strict) {
      await db.withOrg(ctx.orgId, async (trx) => {
        await run((work) => work(trx));
        if (summary.rejectedCount > 0) throw new StrictImportFailed();
      });
      await noteLedgerWrites(db, summary.inserted);
    } else {
      await run(async (work) => {
        const before = summary.inserted;
        await db.withOrg(ctx.orgId, work);
        await noteLedgerWrites(db, summary.inserted - before);
      });
    }
  } catch (error) {
    if (!(error instanceof StrictImportFailed)) throw error;
    summary.committed = false;
    summary.inserted = 0;
    summary.duplicates = 0;
    const payloadByRow = new Map(allRejections.map((r) => [r.rejection.row, r.payload]));
    await db.withOrg(ctx.orgId, (trx) =>
      recordRejections(
        trx,
        ctx,
        allRejections.map((r) => r.rejection),
        (row) => payloadByRow.get(row) ?? null,
      ),
    );
  } finally {
    input.destroy();
  }
  return summary;
}
