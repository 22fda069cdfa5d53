import { PgBoss, type Db as IDatabase } from 'pg-boss';
import type { PoolClient } from 'pg';
import type { Database, Trx } from '../db/database.ts';
import { DEAD_LETTER_QUEUE, JOBS } from './jobs.ts';

export interface BossOptions {
  /** PostgreSQL: pg-boss keeps its own small pool (and LISTEN/NOTIFY wake-ups). */
  connectionString?: string;
  /** Where pg-boss keeps its tables; tests give each file its own. */
  schema: string;
  /**
   * How long a job may stay active before pg-boss takes it back and retries it: the time a
   * killed worker's jobs wait. Jobs take milliseconds; the default leaves room for slow days.
   */
  expireInSeconds?: number;
}

/**
 * Runs pg-boss SQL on knex's pool. Embedded PGlite has one session, so pg-boss must share
 * knex's single connection instead of opening its own (stack.md).
 */
function knexPoolAdapter(db: Database): IDatabase {
  return {
    async executeSql(text, values) {
      const connection = (await db.knex.client.acquireConnection()) as PoolClient;
      try {
        return await connection.query(text, values as unknown[]);
      } finally {
        await db.knex.client.releaseConnection(connection);
      }
    },
  };
}

/** Runs pg-boss SQL inside a business transaction: jobs commit (or vanish) with it. */
export function transactionAdapter(trx: Trx): IDatabase {
  return {
    async executeSql(text, values) {
      // Inside a knex transaction acquireConnection hands back the transaction's own connection.
      const connection = (await trx.client.acquireConnection()) as PoolClient;
      return connection.query(text, values as unknown[]);
    },
  };
}

const started = new WeakMap<PgBoss, { db: Database; schema: string }>();

/** The database and jobs schema a pg-boss started by `startBoss` runs on. */
export function bossSchema(boss: PgBoss): { db: Database; schema: string } | undefined {
  return started.get(boss);
}

export async function startBoss(db: Database, options: BossOptions): Promise<PgBoss> {
  const embedded = db.kind === 'embedded';
  const expire = options.expireInSeconds ?? 300;
  const boss = new PgBoss({
    schema: options.schema,
    ...(embedded || !options.connectionString
      ? { db: knexPoolAdapter(db), ...(embedded ? { backend: 'pglite' as const } : {}) }
      : { connectionString: options.connectionString, max: 4, useListenNotify: true }),
    // Expired jobs are found by the supervisor: check a few times per expiry window.
    superviseIntervalSeconds: Math.max(1, Math.min(60, Math.floor(expire / 3))),
    monitorIntervalSeconds: Math.max(1, Math.min(60, Math.floor(expire / 3))),
    monitorVacuum: false,
  });
  boss.on('error', (error: Error) => {
    // pg-boss reports background failures here; they are retried by pg-boss itself.
    process.emitWarning(`pg-boss: ${error.message}`);
  });
  await boss.start();
  if (embedded) {
    // One process (the data dir's lockfile) and one connection, which a held lock would take.
    await ensureQueues(boss, expire);
    await grantToAppRole(db, db.knex, options.schema);
  } else
    // Workers started together (a deploy, the bench) would race on these catalog updates
    // (GRANT fails with "tuple concurrently updated"): one process at a time per jobs schema.
    await db.knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`arrears:jobs-schema:${options.schema}`]);
      await ensureQueues(boss, expire);
      await grantToAppRole(db, trx, options.schema);
    });
  started.set(boss, { db, schema: options.schema });
  return boss;
}

async function ensureQueues(boss: PgBoss, expireInSeconds: number): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  const create = async (name: string, options: Parameters<PgBoss['createQueue']>[1]) => {
    if (!existing.has(name)) await boss.createQueue(name, options);
  };
  await create(DEAD_LETTER_QUEUE, { retentionSeconds: 30 * 24 * 3600, deleteAfterSeconds: 30 * 24 * 3600 });
  const retrying = {
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 3600,
    deadLetter: DEAD_LETTER_QUEUE,
    expireInSeconds,
  };
  await create(JOBS.evaluate.queue, { policy: 'stately', ...retrying, retryLimit: 5 });
  await create(JOBS.timer.queue, { ...retrying, retentionSeconds: 400 * 24 * 3600 });
  await create(JOBS.dispatch.queue, { ...retrying, retentionSeconds: 400 * 24 * 3600 });
  await create(JOBS.webhook.queue, retrying);
  await create(JOBS.scan.queue, { policy: 'singleton', retryLimit: 2, deadLetter: DEAD_LETTER_QUEUE });
}

/**
 * Business transactions run as the application role (row-level security); enqueueing inside
 * them needs that role to write pg-boss's tables. Job tables hold no org data.
 */
async function grantToAppRole(db: Database, on: Database['knex'] | Trx, schema: string): Promise<void> {
  const role = db.appRole;
  await on.raw(`grant usage on schema ?? to ??`, [schema, role]);
  await on.raw(`grant select, insert, update, delete on all tables in schema ?? to ??`, [schema, role]);
  await on.raw(`grant usage, select on all sequences in schema ?? to ??`, [schema, role]);
  await on.raw(`grant execute on all functions in schema ?? to ??`, [schema, role]);
}
