import type { Knex } from 'knex';

/**
 * Org isolation by row-level security: every org-owned table is visible only to the org named
 * by the transaction-local `app.org_id`; append-only tables refuse UPDATE, DELETE and TRUNCATE
 * for everyone (the function `refuse_change` comes from 001).
 */
export async function secureOrgTables(
  knex: Knex,
  appRole: string,
  tables: readonly string[],
  appendOnly: readonly string[],
): Promise<void> {
  for (const table of tables) {
    await knex.raw(`alter table ${table} enable row level security`);
    await knex.raw(`
      create policy org_isolation on ${table}
        using (org_id = current_setting('app.org_id', true))
        with check (org_id = current_setting('app.org_id', true))`);
    const insertOnly = appendOnly.includes(table);
    await knex.raw(`grant select, insert${insertOnly ? '' : ', update, delete'} on ${table} to ${appRole}`);
  }
  await knex.raw(
    `do $do$ begin execute format('grant usage on all sequences in schema %I to ${appRole}', current_schema()); end $do$;`,
  );
  for (const table of appendOnly) {
    await knex.raw(`
      create trigger ${table}_append_only before update or delete on ${table}
        for each row execute function refuse_change()`);
    await knex.raw(`
      create trigger ${table}_no_truncate before truncate on ${table}
        for each statement execute function refuse_change()`);
  }
}
