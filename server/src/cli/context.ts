import { LocalDate } from '@arrears/shared';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { DataDirLockedError } from '../db/lockfile.ts';
import { AppError } from '../errors.ts';
import { CalendarYearUnsupported } from '../compliance/calendar/index.ts';

/** A failure the user can act on: printed as a message, no stack trace. */
export class UsageError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}

export function isExpected(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof CalendarYearUnsupported ||
    error instanceof AppError
  );
}

export async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

/** `--org` when given; otherwise the only org there is; otherwise a list to choose from. */
export async function resolveOrg(db: Database, requested: string | undefined): Promise<string> {
  const orgs: string[] = await db.knex('orgs').orderBy('org_id').pluck('org_id');
  if (requested) {
    if (!orgs.includes(requested))
      throw new UsageError(`No org "${requested}". Known orgs: ${orgs.join(', ') || '(none)'}`);
    return requested;
  }
  if (orgs.length === 1) return orgs[0]!;
  if (orgs.length === 0)
    throw new UsageError('No org exists yet. Create one with: arrears org create <id> --name <name>');
  throw new UsageError(`Several orgs exist; pass --org <id> (one of: ${orgs.join(', ')})`);
}

/** A day option such as `--as-of`, checked as the API checks one (2026-02-30 is not a day). */
export function parseDateOption(option: string, value: string): string {
  const parsed = LocalDate.safeParse(value);
  if (!parsed.success) throw new UsageError(`${option}: ${parsed.error.issues[0]!.message}, got "${value}"`);
  return parsed.data;
}

/** A whole-number option at least `min`. */
export function parseIntegerOption(option: string, value: string, min: number): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(
      `${option}: expected a whole number${min === 0 ? ' (0 or more)' : ` of at least ${min}`}, got "${value}"`,
    );
  return n;
}
