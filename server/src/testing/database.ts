import crypto from 'node:crypto';
import { loadConfig } from '../config/config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { embeddedConfig, simulationImage } from '../simulate/seed.ts';

export const TEST_DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends Database {
  schema: string;
}

/**
 * A fresh, migrated schema on real PostgreSQL for one test file; dropped on close. Schemas
 * (not databases) keep parallel jest workers apart cheaply.
 */
export async function openTestDatabase(label = 'test'): Promise<TestDatabase> {
  const schema = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  const config = loadConfig({ DATABASE_URL: TEST_DATABASE_URL, ARREARS_DB_POOL_MAX: '4' });
  const db = await openDatabase(config, { schema });
  const close = db.close;
  // Extended in place, not copied: the runner sets `relay` on this very object.
  return Object.assign(db, {
    schema,
    close: async () => {
      await db.knex.raw('drop schema if exists ?? cascade', [schema]);
      await db.knex.raw('drop schema if exists ?? cascade', [`${schema}_jobs`]);
      await close();
    },
  });
}

/**
 * A fresh embedded (PGlite) database in memory, opened from the migrated image `arrears
 * simulate` builds once per schema version (initdb and migrations on PGlite take seconds), so
 * embedded tests do not each pay for initdb. The persistent data directory has its own tests.
 */
export async function openEmbeddedTestDatabase(): Promise<Database> {
  return openDatabase(embeddedConfig(), { inMemory: { image: await simulationImage() }, migrate: false });
}
