import type { Command } from 'commander';
import { systemClock } from '../../clock.ts';
import { appendAudit } from '../../audit/append.ts';
import { issueApiKey } from '../../orgs/api-keys.ts';
import { resolveOrg, UsageError, withDatabase } from '../context.ts';
import { registerOrgSettings } from './org-settings.ts';

export function registerOrg(program: Command): void {
  const org = program.command('org').description('Orgs (customer companies), their settings and API keys.');
  org
    .command('create')
    .description('Create an org.')
    .argument('<id>', 'a short id, e.g. acme')
    .requiredOption('--name <name>', 'display name')
    .action(async (id: string, flags: { name: string }) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(id))
        throw new UsageError('org id: expected lower-case letters, digits, - or _');
      await withDatabase(async (db) => {
        if (await db.knex('orgs').where({ org_id: id }).first()) throw new UsageError(`Org "${id}" already exists`, 1);
        const now = systemClock.now();
        await db.withOrg(id, async (trx) => {
          await trx('orgs').insert({ org_id: id, name: flags.name, created_at: now });
          await appendAudit(trx, {
            orgId: id,
            at: now,
            actor: 'cli',
            action: 'org.created',
            subjectType: 'org',
            subjectId: id,
          });
        });
        process.stdout.write(`Created org ${id}\n`);
      });
    });
  org
    .command('api-key')
    .description('Issue an API key for machine callers. Printed once; only its hash is stored.')
    .option('--org <id>', 'the org (default: the only org)')
    .requiredOption('--name <name>', 'what the key is for, e.g. "salesforce workflow"')
    .action(async (flags: { org?: string; name: string }) => {
      await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        const now = systemClock.now();
        const issued = await issueApiKey(db, orgId, flags.name, now);
        await db.withOrg(orgId, (trx) =>
          appendAudit(trx, {
            orgId,
            at: now,
            actor: 'cli',
            action: 'api_key.issued',
            subjectType: 'api_key',
            subjectId: issued.id,
          }),
        );
        process.stdout.write(`${issued.key}\n`);
      });
    });
  registerOrgSettings(org);
}
