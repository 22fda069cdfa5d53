import type { Command } from 'commander';
import { verifyAuditChain } from '../../audit/verify.ts';
import { resolveOrg, withDatabase } from '../context.ts';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit trail.');
  audit
    .command('verify')
    .description("Recompute every org's hash chain; name the first broken row. Exit code 1 if any chain is broken.")
    .option('--org <id>', 'verify one org only')
    .action(async (flags: { org?: string }) => {
      await withDatabase(async (db) => {
        // An unknown --org is refused, not verified as an empty (and so intact) chain.
        const orgs: string[] = flags.org
          ? [await resolveOrg(db, flags.org)]
          : await db.knex('orgs').orderBy('org_id').pluck('org_id');
        let broken = 0;
        for (const orgId of orgs) {
          const result = await verifyAuditChain(db, orgId);
          if (result.ok) {
            process.stdout.write(
              `${orgId}: ok, ${result.entries} entries${result.head ? `, head ${result.head.slice(0, 16)}…` : ''}\n`,
            );
          } else {
            broken++;
            process.stdout.write(
              `${orgId}: BROKEN at entry ${result.brokenAt.seq} (${result.brokenAt.reason.replaceAll('_', ' ')}); ${result.entries} entries\n`,
            );
          }
        }
        if (orgs.length === 0) process.stdout.write('No orgs.\n');
        if (broken > 0) process.exitCode = 1;
      });
    });
}
