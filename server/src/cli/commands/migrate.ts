import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (forward-only) and exit.')
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase(config, { migrate: false });
      try {
        const applied = await migrateToLatest(db.knex, config.appRole);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
      } finally {
        await db.close();
      }
    });
}
