import { once } from 'node:events';
import type { Command } from 'commander';
import { systemClock } from '../../clock.ts';
import { loadConfig } from '../../config/config.ts';
import { openDatabase } from '../../db/database.ts';
import { createLogger } from '../../http/logger.ts';
import { startRunner } from '../../runner/start.ts';

export async function worker(out: NodeJS.WriteStream = process.stdout): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config);
  try {
    const runner = await startRunner(db, config, logger, systemClock);
    out.write(
      `Arrears worker running (${config.database.kind === 'embedded' ? 'embedded PGlite' : 'PostgreSQL'}; jobs in schema ${config.jobs.schema}). Stop with Ctrl+C.\n`,
    );
    const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    logger.info({ signal }, 'worker shutting down; finishing the jobs in hand');
    await runner.stop();
  } finally {
    await db.close();
  }
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'Run the job worker: scheduled scan, lease evaluations, timers, effect dispatch, webhook events. Run several against one PostgreSQL to scale out.',
    )
    .action(() => worker());
}
