import type { Knex } from 'knex';
import { migrations } from '@arrears/migrations';

/**
 * Migrations are a static list (migrations/src/index.ts) rather than a directory knex scans,
 * so they load the same way under `node`, jest and a bundled build.
 */
function source(appRole: string): Knex.MigrationSource<(typeof migrations)[number]> {
  return {
    getMigrations: async () => [...migrations],
    getMigrationName: (m) => m.name,
    getMigration: async (m) => ({
      up: (knex: Knex) => m.up(knex, { appRole }),
      down: async () => {
        throw new Error(`Migrations only move forward: ${m.name} has no down step.`);
      },
    }),
  };
}

export async function migrateToLatest(knex: Knex, appRole: string): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource: source(appRole) })) as [number, string[]];
  return applied;
}
