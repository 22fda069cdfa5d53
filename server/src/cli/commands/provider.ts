import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { appendAudit } from '../../audit/append.ts';
import { systemClock } from '../../clock.ts';
import { loadConfig } from '../../config/config.ts';
import { isProviderName, PROVIDERS, type ProviderName } from '../../providers/registry.ts';
import { cipherFor } from '../../secrets/cipher.ts';
import { storeCredentials } from '../../secrets/credentials.ts';
import { resolveOrg, UsageError, withDatabase } from '../context.ts';

/** Names credentials may be stored under: one per provider (and the accounting webhook). */
const Provider = z.string().refine(isProviderName, `expected one of ${Object.keys(PROVIDERS).join(', ')}`);

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The text may be a secret: never echo it.
    throw new UsageError(`${file}: not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${file}: expected a JSON object of credential fields`);
  return value as Record<string, unknown>;
}

export function registerProvider(program: Command): void {
  const provider = program
    .command('provider')
    .description('Provider credentials and webhook secrets, stored AES-256-GCM encrypted; values are never printed.');
  provider
    .command('set')
    .description('Store (or replace) credentials from a JSON file ("-" reads stdin), e.g. {"webhook_secret": "…"}.')
    .argument(
      '<name>',
      `provider: ${Object.entries(PROVIDERS)
        .map(([n, p]) => `${n} (${p.ports})`)
        .join(', ')}`,
    )
    .argument('<file>', 'JSON file with the credential fields, or - for stdin')
    .option('--org <id>', 'the org (default: the only org)')
    .action(async (name: string, file: string, flags: { org?: string }) => {
      const parsed = Provider.safeParse(name);
      if (!parsed.success) throw new UsageError(`provider: ${parsed.error.issues[0]!.message}`);
      const value = readJson(file);
      try {
        // Refused now, with every problem by field name, rather than at the first send.
        PROVIDERS[name as ProviderName].parse(value);
      } catch (error) {
        throw new UsageError(`${name} credentials: ${(error as Error).message}`);
      }
      const cipher = cipherFor(loadConfig());
      if (!cipher)
        throw new UsageError('Set ARREARS_SECRET_KEY (32 random bytes, base64) to store credentials on PostgreSQL.');
      await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        const now = systemClock.now();
        await db.withOrg(orgId, async (trx) => {
          await storeCredentials(trx, cipher, orgId, name, value, now);
          await appendAudit(trx, {
            orgId,
            at: now,
            actor: 'cli',
            action: 'credentials.stored',
            subjectType: 'provider',
            subjectId: name,
            // Which fields, never their values.
            data: { fields: Object.keys(value).sort() },
          });
        });
        process.stdout.write(`Stored ${name} credentials for ${orgId} (${Object.keys(value).sort().join(', ')})\n`);
      });
    });
  provider
    .command('list')
    .description('Providers with stored credentials (names and dates only).')
    .option('--org <id>', 'the org (default: the only org)')
    .action(async (flags: { org?: string }) => {
      await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        const rows = await db.withOrg(orgId, (trx) =>
          trx('provider_credentials').where({ org_id: orgId }).orderBy('provider').select('provider', 'updated_at'),
        );
        if (rows.length === 0)
          process.stdout.write(`No stored credentials for ${orgId}: every port runs on the sandbox.\n`);
        for (const r of rows) process.stdout.write(`${r.provider}\tupdated ${(r.updated_at as Date).toISOString()}\n`);
      });
    });
  provider
    .command('remove')
    .description('Delete stored credentials; that provider falls back to the sandbox.')
    .argument('<name>', 'provider name')
    .option('--org <id>', 'the org (default: the only org)')
    .action(async (name: string, flags: { org?: string }) => {
      await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        const now = systemClock.now();
        const removed = await db.withOrg(orgId, async (trx) => {
          const n = await trx('provider_credentials').where({ org_id: orgId, provider: name }).delete();
          if (n > 0)
            await appendAudit(trx, {
              orgId,
              at: now,
              actor: 'cli',
              action: 'credentials.removed',
              subjectType: 'provider',
              subjectId: name,
            });
          return n;
        });
        if (removed === 0) throw new UsageError(`No ${name} credentials for ${orgId}`, 1);
        process.stdout.write(`Removed ${name} credentials for ${orgId}\n`);
      });
    });
}
