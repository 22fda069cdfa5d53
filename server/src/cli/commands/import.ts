import { LedgerSource } from '@arrears/shared';
import { Option, type Command } from 'commander';
import { systemClock } from '../../clock.ts';
import { importLedgerFile } from '../../import/import-file.ts';
import { createProgressReporter } from '../../import/progress.ts';
import { AppError } from '../../errors.ts';
import { MalformedFileError, type FileFormat } from '../../import/readers.ts';
import { resolveOrg, UsageError, withDatabase } from '../context.ts';

interface ImportFlags {
  org?: string;
  source: string;
  strict?: boolean;
  format?: FileFormat;
  chunkSize: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Import ledger events from a CSV, JSON or NDJSON file (streamed; idempotent on source + external_id).')
    .argument('<file>', 'the file to import (.csv, .json, .ndjson/.jsonl)')
    .option('--org <id>', 'the org to import into (default: the only org)')
    .option('--source <name>', 'the source system the external ids belong to', 'import')
    .option('--strict', 'all or nothing: any bad row rolls the whole file back')
    .addOption(new Option('--format <format>', 'override detection by extension').choices(['csv', 'json', 'ndjson']))
    .option('--chunk-size <rows>', 'rows per transaction (the first is at most 1,000)', '10000')
    .addHelpText(
      'after',
      '\nColumns / fields: kind, lease_id, external_id, amount_cents, effective_on, and\n' +
        'charge_type + due_on for charges, reverses (+ reason) for reversals. See the README.',
    )
    .action(async (file: string, flags: ImportFlags) => {
      const source = LedgerSource.safeParse(flags.source);
      if (!source.success) throw new UsageError(`--source: ${source.error.issues[0]!.message}`);
      const chunkSize = Number(flags.chunkSize);
      if (!Number.isInteger(chunkSize) || chunkSize < 1)
        throw new UsageError('--chunk-size: expected a positive integer');
      const summary = await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        const progress = createProgressReporter(process.stderr, `import ${file}`);
        try {
          return await importLedgerFile(
            db,
            { orgId, source: source.data, actor: 'cli:import', now: systemClock.now(), strict: flags.strict ?? false },
            file,
            { chunkSize, ...(flags.format ? { format: flags.format } : {}), onProgress: (p) => progress.update(p) },
          );
        } catch (error) {
          // A file that is missing, of an unknown type or not a ledger at all is bad input (exit 2).
          if (error instanceof MalformedFileError) throw new UsageError(error.message);
          if (error instanceof AppError && (error.code === 'invalid_request' || error.code === 'not_found'))
            throw new UsageError(error.message);
          throw error;
        } finally {
          progress.stop();
        }
      });
      const out = process.stdout;
      for (const r of summary.rejected)
        out.write(`row ${r.row}: ${r.message}${r.external_id ? ` [${r.external_id}]` : ''}\n`);
      if (summary.rejectedCount > summary.rejected.length) {
        out.write(`… and ${summary.rejectedCount - summary.rejected.length} more (all stored in ingest_rejections)\n`);
      }
      out.write(
        `${summary.committed ? 'Imported' : 'Nothing imported (--strict)'}: ${summary.received} rows, ` +
          `${summary.inserted} new, ${summary.duplicates} already present, ${summary.rejectedCount} rejected\n`,
      );
      if (summary.malformed)
        throw new UsageError(
          `${file}: row ${summary.malformed.row}: ${summary.malformed.message}; nothing after it was read` +
            (summary.committed && summary.received > 1 ? ' (the rows before it were imported as reported above)' : ''),
        );
      if (!summary.committed) process.exitCode = 1;
    });
}
