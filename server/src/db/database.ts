import type { Knex } from 'knex';
import type { Config } from '../config/config.ts';
import { allowBeforeCommit, runBeforeCommit } from './before-commit.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { createKnex } from './knex.ts';
import { migrateToLatest } from './migrate.ts';
import { takeWork, type AfterCommit, type OutboxRelay } from './outbox.ts';
import { allowPreparedStatements } from './prepared.ts';

export type Trx = Knex.Transaction;

export interface Database {
  kind: 'embedded' | 'postgres';
  knex: Knex;
  /** The NOLOGIN role row-level security applies to; org-scoped work runs as it. */
  appRole: string;
  /** Set on an embedded start that created a fresh data directory. */
  createdFresh: boolean;
  /** Embedded only: the data directory as a tarball, to open in-memory copies from (simulate). */
  image?: () => Promise<Blob>;
  /**
   * Runs `fn` in one transaction as the application role with `app.org_id` set, so
   * PostgreSQL's row-level security limits every statement to that org's rows.
   */
  withOrg<T>(orgId: string, fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * Set by the runner: receives the work a transaction noted (db/outbox.ts) before it commits,
   * and enqueues it in that same transaction.
   */
  relay: OutboxRelay | undefined;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Use (and create) this schema instead of `public`: one schema per test file. */
  schema?: string;
  migrate?: boolean;
  /** Embedded only: keep the database in memory (from this image, if given), not in the data dir. */
  inMemory?: { image?: Blob };
}

export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  const schema = options.schema ?? (config.database.kind === 'postgres' ? config.database.schema : undefined);
  const embedded =
    config.database.kind === 'embedded'
      ? await startEmbeddedPostgres(
          options.inMemory ? { memory: true, ...options.inMemory } : { dataDir: config.database.dataDir },
        )
      : undefined;
  try {
    const connectionString = embedded ? embedded.connectionString : (config.database as { url: string }).url;
    const knex = createKnex({
      connectionString,
      poolMax: embedded ? 1 : (config.database as { poolMax: number }).poolMax,
      ...(schema ? { searchPath: schema } : {}),
    });
    if (schema) await knex.raw('create schema if not exists ??', [schema]);
    const db = createDatabase(knex, config.appRole, embedded ? 'embedded' : 'postgres', async () => {
      await knex.destroy();
      await embedded?.close();
    });
    db.createdFresh = embedded?.created ?? false;
    if (embedded) db.image = embedded.image;
    if (options.migrate !== false) await migrateToLatest(knex, config.appRole);
    return db;
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}

export function createDatabase(
  knex: Knex,
  appRole: string,
  kind: Database['kind'],
  close: () => Promise<void>,
): Database {
  const db: Database = {
    kind,
    knex,
    appRole,
    createdFresh: false,
    relay: undefined,
    withOrg: async (orgId, fn) => {
      const after: { commit?: AfterCommit } = {};
      const result = await knex.transaction(async (trx) => {
        // Both settings are transaction-local: they vanish at commit or rollback, so a pooled
        // connection never carries one org's scope into the next caller's work.
        await trx.raw(`select set_config('app.org_id', ?, true), set_config('role', ?, true)`, [orgId, appRole]);
        allowPreparedStatements(trx, kind === 'postgres' ? 'own' : 'shared');
        allowBeforeCommit(trx);
        const result = await fn(trx);
        const work = takeWork(trx);
        if (work.length > 0 && db.relay) after.commit = (await db.relay(trx, work)) ?? undefined;
        // Last: the held-back rows, the audit chain's (which locks the org's chain head) at the very end.
        await runBeforeCommit(trx);
        // A flush that noted work would lose it (the relay ran): refuse rather than commit without it.
        if (takeWork(trx).length > 0) throw new Error('work was noted after the outbox relay ran');
        return result;
      });
      if (after.commit)
        await after
          .commit()
          .catch((error: unknown) =>
            process.emitWarning(`after commit: ${(error as Error).message}`, 'ArrearsWarning'),
          );
      return result;
    },
    close,
  };
  return db;
}
