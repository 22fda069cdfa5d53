import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import { loadConfig, redactUrl } from '../../server/src/config/config.ts';
import { openDatabase, type Database } from '../../server/src/db/database.ts';

/** The checkout this bench process loaded, read at start: a long run outlives later commits. */
const CODE = (() => {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return 'unknown (not a git checkout)';
  }
})();

export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** What run.ts hands every benchmark; each one reads the options it understands. */
export interface BenchOptions {
  large: boolean;
  rows?: number;
  leases?: number;
  /** Events per ingest transaction; several sizes sweep. */
  chunks?: number[];
  runs?: number;
  /** Seconds a measured phase may take before it is cut short (ingest). */
  budget?: number;
  explain: boolean;
}

const started = performance.now();

/** A progress line, stamped with the time since the process started. */
export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(7);
  console.log(`[${seconds}s] ${message}`);
}

export function heading(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 90 - title.length))}`);
}

/** Prints aligned `label  value` lines. */
export function table(rows: readonly (readonly [string, string])[]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const perSecond = (count: number, ms: number): string => `${int((count * 1000) / ms)} rows/s`;

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface BenchDatabase {
  db: Database;
  schema: string;
  close(): Promise<void>;
}

/** A fresh schema, migrated by the product's own migrations; dropped by close(). */
export async function openBenchDatabase(label: string): Promise<BenchDatabase> {
  const schema = `bench_${label}_${crypto.randomBytes(4).toString('hex')}`;
  progress(`creating schema ${schema} on ${redactUrl(DATABASE_URL)} and running migrations`);
  const config = loadConfig({ DATABASE_URL, ARREARS_DB_POOL_MAX: '4' });
  const db = await openDatabase(config, { schema });
  return {
    db,
    schema,
    close: async () => {
      progress(`dropping schema ${schema}`);
      try {
        await db.knex.raw('drop schema if exists ?? cascade', [schema]);
      } finally {
        await db.close();
      }
    },
  };
}

/**
 * Streams COPY text into `copySql` (`copy t (...) from stdin`) on a pooled connection of
 * `knex`, whose search_path is the bench schema. `setup` statements run first on the same
 * connection (e.g. session settings), `teardown` after.
 */
export async function copyIn(
  knex: Knex,
  copySql: string,
  text: Iterable<string> | AsyncIterable<string>,
  setup: readonly string[] = [],
  teardown: readonly string[] = [],
): Promise<void> {
  const connection = (await knex.client.acquireConnection()) as PoolClient;
  try {
    for (const statement of setup) await connection.query(statement);
    await pipeline(Readable.from(text), connection.query(copyStreams.from(copySql)));
    for (const statement of teardown) await connection.query(statement);
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is null.
const SPECIAL = /[\\\t\n\r]/;
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Batches lines into strings of about `size` lines: fewer, larger writes to the socket. */
export function* batched(lines: Iterable<string>, size = 5000): Generator<string> {
  let out = '';
  let n = 0;
  for (const line of lines) {
    out += line;
    if (++n === size) {
      yield out;
      out = '';
      n = 0;
    }
  }
  if (out) yield out;
}

/** Peak RSS, the machine and the server, printed at the end of every benchmark. */
export async function printEnvironment(knex: Knex): Promise<void> {
  const version = await knex.raw<{ rows: { version: string }[] }>('select version()');
  const settings = await knex.raw<{ rows: { name: string; setting: string }[] }>(
    `select name, current_setting(name) as setting from pg_settings
     where name in ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'synchronous_commit', 'jit', 'autovacuum')
     order by name`,
  );
  const cpus = os.cpus();
  heading('environment');
  table([
    ['peak RSS', `${int(process.resourceUsage().maxRSS / 1024)} MB (process.resourceUsage().maxRSS)`],
    ['machine', `${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${int(os.totalmem() / 2 ** 30)} GB RAM`],
    ['node', process.version],
    ['code', `git ${CODE}`],
    ['server', version.rows[0]?.version ?? 'unknown'],
    ['settings', settings.rows.map((s) => `${s.name}=${s.setting}`).join(', ')],
  ]);
}

/** Prints EXPLAIN (ANALYZE, BUFFERS) of a statement inside `run` (an owner or org-scoped transaction). */
export async function explain(
  run: <T>(fn: (trx: Knex.Transaction) => Promise<T>) => Promise<T>,
  title: string,
  sql: string,
  bindings: readonly Knex.RawBinding[],
): Promise<void> {
  const plan = await run((trx) =>
    trx.raw<{ rows: { 'QUERY PLAN': string }[] }>(`explain (analyze, buffers) ${sql}`, bindings as Knex.RawBinding[]),
  );
  heading(`EXPLAIN (ANALYZE, BUFFERS): ${title}`);
  for (const row of plan.rows) console.log(row['QUERY PLAN']);
}
