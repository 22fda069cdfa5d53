import type { Knex } from 'knex';

export interface MigrationContext {
  /** The NOLOGIN role that row-level security applies to. */
  appRole: string;
}

/** A forward-only migration; valid on PostgreSQL 15+ and on PGlite. */
export interface Migration {
  name: string;
  up(knex: Knex, context: MigrationContext): Promise<void>;
}
