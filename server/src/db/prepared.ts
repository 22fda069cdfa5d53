import type { Knex } from 'knex';
import type { Trx } from './database.ts';

/**
 * Transactions on a connection that may keep named prepared statements, so a statement is
 * planned once per connection instead of on every call (the lease context query spent longer
 * in the planner than in the executor: 3.6 ms → 1.1 ms per call on PGlite, measured in
 * `arrears simulate`). On PostgreSQL each pooled connection is its own session (`own`).
 * Embedded PGlite serves every socket connection from ONE session (`shared`): two connections
 * preparing the same name would collide, so there each connection gets names of its own.
 */
const allowed = new WeakMap<Trx, 'own' | 'shared'>();

export function allowPreparedStatements(trx: Trx, session: 'own' | 'shared'): void {
  allowed.set(trx, session);
}

/** A number per driver connection, for names unique within a shared session. */
const connectionTags = new WeakMap<object, number>();
let nextTag = 1;

/**
 * Runs a raw statement as a named prepared statement where the connection allows it. `name`
 * must always come with the same SQL text (the pg driver refuses a name reused for another).
 */
export async function prepared<T>(trx: Trx, name: string, query: Knex.Raw<T>): Promise<T> {
  const run = async (q: Knex.Raw<T>) => (await q) as unknown as T;
  const session = allowed.get(trx);
  if (session === undefined) return run(query);
  if (session === 'own') return run(query.options({ name }));
  // A transaction's client hands out the transaction's own connection.
  const connection = (await trx.client.acquireConnection()) as object;
  let tag = connectionTags.get(connection);
  if (tag === undefined) connectionTags.set(connection, (tag = nextTag++));
  return run(query.options({ name: `${name}_c${tag}` }));
}
