import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { providerPorts } from '../providers/registry.ts';
import { cipherFor } from '../secrets/cipher.ts';
import { startBoss } from './boss.ts';
import { bossRelay } from './relay.ts';
import { startWorker } from './worker.ts';
import type { PgBoss } from 'pg-boss';

export interface Runner {
  boss: PgBoss;
  stop(): Promise<void>;
}

/**
 * pg-boss for this process. Every process that writes (the API included) attaches the outbox
 * relay, so its transactions enqueue their jobs; `work` adds every job handler, as
 * `arrears worker` and the embedded `serve` run them.
 */
export async function startRunner(
  db: Database,
  config: Config,
  logger: Logger,
  clock: Clock,
  options: { work: boolean } = { work: true },
): Promise<Runner> {
  const boss = await startBoss(db, {
    schema: config.jobs.schema,
    expireInSeconds: config.jobs.expireInSeconds,
    ...(config.database.kind === 'postgres' ? { connectionString: config.database.url } : {}),
  });
  const publicUrl = config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`;
  if (!options.work) {
    db.relay = bossRelay(boss);
    return {
      boss,
      async stop() {
        db.relay = undefined;
        await boss.stop({ graceful: true, timeout: 10_000 });
      },
    };
  }
  const worker = await startWorker({
    db,
    boss,
    clock,
    logger,
    // Each org's stored providers (Twilio, SendGrid); the sandbox for every channel without
    // credentials, which contacts nobody and records everything.
    portsFor: providerPorts({ db, cipher: cipherFor(config), publicUrl }),
    batchSize: config.jobs.batchSize,
    concurrency: config.jobs.concurrency,
    scanCron: config.jobs.scanCron,
    // Embedded PGlite has no LISTEN/NOTIFY across connections: poll a little faster.
    pollingIntervalSeconds: db.kind === 'embedded' ? 0.5 : 1,
  });
  return {
    boss,
    async stop() {
      await worker.stop();
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
