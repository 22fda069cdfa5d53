import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { acquireDataDirLock } from './lockfile.ts';

export interface EmbeddedPostgres {
  connectionString: string;
  /** True when this start created the database (first run): the demo portfolio loads then. */
  created: boolean;
  close(): Promise<void>;
}

/**
 * Starts PGlite on a persistent directory and serves it on a loopback socket, so knex and
 * pg-boss talk to it through the ordinary `pg` driver exactly as they talk to PostgreSQL.
 * All socket connections share one PGlite session; the knex pool is therefore kept at one
 * connection in embedded mode (db/knex.ts).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const lock = acquireDataDirLock(dataDir);
  try {
    const pgdata = path.join(dataDir, 'pgdata');
    const created = !fs.existsSync(path.join(pgdata, 'PG_VERSION'));
    const db = await PGlite.create(pgdata);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
    await server.start();
    const address = server.getServerConn();
    return {
      connectionString: `postgres://postgres@${address}/postgres`,
      created,
      close: async () => {
        try {
          await server.stop();
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
