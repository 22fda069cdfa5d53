import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// Dates are calendar days in the lease's zone: keep them as 'YYYY-MM-DD' strings instead of
// letting pg turn them into midnight in the *server's* zone. Money is int8 cents: parse it
// to number (safe up to 2^53 cents, ~90 trillion dollars).
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface KnexOptions {
  connectionString: string;
  poolMax: number;
  searchPath?: string;
}

export function createKnex(options: KnexOptions): Knex {
  return knexFactory({
    client: 'pg',
    connection: options.connectionString,
    ...(options.searchPath ? { searchPath: [options.searchPath] } : {}),
    pool: { min: 0, max: options.poolMax },
    // Embedded mode has one connection: a misuse (a second query while a transaction holds it)
    // fails after this timeout instead of hanging forever.
    acquireConnectionTimeout: 60_000,
  });
}
