import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../clock.ts';
import { loadConfig, type Config } from '../../config/config.ts';
import { openDatabase, type Database } from '../../db/database.ts';
import { generateDemoPortfolio } from '../../demo/portfolio.ts';
import { isDemoLoaded, loadDemoPortfolio } from '../../demo/load.ts';
import { createApp } from '../../http/app.ts';
import { createLogger } from '../../http/logger.ts';
import { issueApiKey } from '../../orgs/api-keys.ts';
import { startRunner, type Runner } from '../../runner/start.ts';
import { cipherFor } from '../../secrets/cipher.ts';
import { webhookRegistry } from '../../webhooks/registry.ts';
import { UsageError } from '../context.ts';

export const DEMO_KEY_FILE = 'demo-api-key';

/**
 * First embedded start: load the demo portfolio and write an API key for it to a file beside
 * the data (mode 0600). The key itself is never printed or logged, only where to find it.
 */
async function prepareDemo(db: Database, config: Config, out: NodeJS.WriteStream): Promise<string | undefined> {
  if (config.database.kind !== 'embedded' || !config.demo.enabled) return undefined;
  const now = systemClock.now();
  if (!(await isDemoLoaded(db))) {
    out.write('Loading the demo portfolio (first start)…\n');
    const started = Date.now();
    const loaded = await loadDemoPortfolio(db, generateDemoPortfolio({ seed: config.demo.seed, asOf: now }), now);
    out.write(`Demo portfolio: ${loaded.leases} leases, ${loaded.events} ledger events (${Date.now() - started} ms)\n`);
  }
  const keyFile = path.join(config.database.dataDir, DEMO_KEY_FILE);
  if (!fs.existsSync(keyFile)) {
    const { key } = await issueApiKey(db, 'demo', 'demo (embedded)', now);
    fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  }
  return keyFile;
}

export async function serve(out: NodeJS.WriteStream = process.stdout, withWorker = false): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config);
  let runner: Runner | undefined;
  try {
    const keyFile = await prepareDemo(db, config, out);
    // Embedded: one process is the whole product, so the worker runs here too. On PostgreSQL
    // `arrears worker` runs separately (as many as needed) unless --worker asks for it here.
    runner = await startRunner(db, config, logger, systemClock, {
      work: config.database.kind === 'embedded' || withWorker,
    });
    const working = config.database.kind === 'embedded' || withWorker;
    const app = createApp({
      db,
      clock: systemClock,
      logger,
      boss: runner.boss,
      webhooks: {
        cipher: cipherFor(config),
        registry: webhookRegistry(),
        publicUrl: config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`,
      },
    });
    const server = app.listen(config.http.port, config.http.host);
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(
          code === 'EADDRINUSE'
            ? `Port ${config.http.port} on ${config.http.host} is in use; set PORT to another port (PORT=0 picks a free one).`
            : `Cannot listen on ${config.http.host}:${config.http.port}: ${(error as Error).message}`,
          1,
        );
      }),
    ]);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const url = `http://${config.http.host}:${port}`;
    const where =
      config.database.kind === 'embedded'
        ? `embedded PGlite in ${config.database.dataDir}`
        : 'PostgreSQL (DATABASE_URL)';
    out.write(`Arrears is running at ${url}  (${where})\n`);
    if (keyFile) {
      out.write(`Demo org API key: ${keyFile}\n`);
      out.write(`  curl -H "Authorization: Bearer $(cat ${keyFile})" ${url}/v1/leases/CA-0001\n`);
    }
    out.write(
      `${working ? 'Worker: running in this process. ' : 'Jobs are queued for `arrears worker`. '}OpenAPI: ${url}/openapi.json   Stop with Ctrl+C.\n`,
    );

    const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    logger.info({ signal }, 'shutting down');
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  } finally {
    await runner?.stop();
    await db.close();
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API. Without DATABASE_URL: embedded PGlite in ARREARS_DATA_DIR with the demo portfolio.')
    .option('--worker', 'also run the job worker in this process (always on in embedded mode)')
    .action((options: { worker?: boolean }) => serve(process.stdout, options.worker === true));
}
