import type { Knex } from 'knex';
import type { Trx } from './database.ts';

/**
 * Transactions on a connection that may keep named prepared statements. On PostgreSQL each
 * pooled connection is its own session, so a statement prepared once is planned once per
 * connection instead of on every call (the lease context query spent longer in the planner
 * than in the executor). Embedded PGlite serves every socket connection from ONE session, so
 * two connections preparing the same name would collide: statements stay unnamed there.
 */
const allowed = new WeakSet<Trx>();

export function allowPreparedStatements(trx: Trx): void {
  allowed.add(trx);
}

/**
 * Runs a raw statement as a named prepared statement where the connection allows it. `name`
 * must always come with the same SQL text (the pg driver refuses a name reused for another).
 */
export function prepared<T>(trx: Trx, name: string, query: Knex.Raw<T>): Knex.Raw<T> {
  return allowed.has(trx) ? query.options({ name }) : query;
}
