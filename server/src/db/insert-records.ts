import crypto from 'node:crypto';
import type { Trx } from './database.ts';
import { prepared } from './prepared.ts';

/**
 * A row by column name, as JSON.stringify renders it: a jsonb column takes the value itself (an
 * object, not its JSON text, which would be stored as a jsonb string), a Date its ISO instant.
 */
export type ColumnValues = Readonly<Record<string, unknown>>;

/** Statement names by SQL text: a few per table and column set, hashed once. */
const names = new Map<string, string>();

/**
 * Inserts rows through ONE jsonb parameter, converted by the table's own row type
 * (`jsonb_populate_recordset(null::table, …)`), as a named prepared statement. A multi-row
 * `insert … values ($1, …), (…)` of a few hundred rows carries thousands of parameters that
 * PostgreSQL parses, binds and plans on every call: for the runner's batch writes (effects,
 * cases, case events, sandbox records) that was as costly as executing them (measured with
 * `log_statement_stats`: PARSE + BIND ≈ EXECUTE). Every row must carry the same keys (the
 * first row's): a key a row lacks is inserted as NULL, never as the column default.
 * `tail` follows the select: an `on conflict …` and/or a `returning …` clause.
 */
export async function insertRecords<T = unknown>(
  trx: Trx,
  table: string,
  rows: readonly ColumnValues[],
  tail = '',
): Promise<T[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!).filter((c) => rows[0]![c] !== undefined);
  for (const c of [table, ...columns])
    if (!/^[a-z_][a-z0-9_]*$/.test(c)) throw new Error(`insertRecords: not a plain identifier: ${c}`);
  const list = columns.join(', ');
  const sql = `insert into ${table} (${list})
    select ${list} from jsonb_populate_recordset(null::${table}, cast(? as jsonb)) ${tail}`;
  let name = names.get(sql);
  if (name === undefined)
    names.set(sql, (name = `arrears_ins_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 16)}`));
  const result = await prepared(trx, name, trx.raw<{ rows: T[] }>(sql, [JSON.stringify(rows)]));
  return result.rows;
}
