import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { acquireDataDirLock } from './lockfile.ts';

export interface EmbeddedPostgres {
  connectionString: string;
  /** True when this start created the database (first run): the demo portfolio loads then. */
  created: boolean;
  /** The whole data directory as a tarball (`PGlite.dumpDataDir`), to start copies from. */
  image(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * Where an embedded database lives: a persistent directory (locked against a second process),
 * or memory only — empty, or started from an image of another one (`EmbeddedPostgres.image`).
 * `arrears simulate` runs in memory from a migrated image: nothing of its throwaway database
 * touches the disk, which on PGlite's file system cost more than a tenth of every run.
 */
export type EmbeddedLocation = { dataDir: string } | { memory: true; image?: Blob };

/**
 * Starts PGlite on a persistent directory and serves it on a loopback socket, so knex and
 * pg-boss talk to it through the ordinary `pg` driver exactly as they talk to PostgreSQL.
 * All socket connections share one PGlite session; the knex pool is therefore kept at one
 * connection in embedded mode (db/knex.ts).
 */
export async function startEmbeddedPostgres(location: EmbeddedLocation): Promise<EmbeddedPostgres> {
  if ('memory' in location) {
    const db = await PGlite.create(location.image ? { loadDataDir: location.image } : {});
    return serve(db, !location.image, async () => {});
  }
  const lock = acquireDataDirLock(location.dataDir);
  try {
    const pgdata = path.join(location.dataDir, 'pgdata');
    const created = !fs.existsSync(path.join(pgdata, 'PG_VERSION'));
    return await serve(await PGlite.create(pgdata), created, async () => lock.release());
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function serve(db: PGlite, created: boolean, release: () => Promise<void>): Promise<EmbeddedPostgres> {
  try {
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
    await server.start();
    const address = server.getServerConn();
    return {
      connectionString: `postgres://postgres@${address}/postgres`,
      created,
      image: () => db.dumpDataDir('none'),
      close: async () => {
        try {
          await server.stop();
          await db.close();
        } finally {
          await release();
        }
      },
    };
  } catch (error) {
    await db.close().catch(() => {});
    await release();
    throw error;
  }
}
