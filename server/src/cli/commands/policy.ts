import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Level, PolicyDocument, Step } from '@arrears/shared';
import { appendAudit } from '../../audit/append.ts';
import { systemClock } from '../../clock.ts';
import { loadPolicy, publishPolicy } from '../../escalation/policies.ts';
import { BUILTIN_VERSIONS, builtinPolicy, isBuiltin } from '../../policy/builtin.ts';
import { diffPolicies, RANGE_KEYS, type DiffEntry } from '../../policy/diff.ts';
import { policyJsonSchema } from '../../policy/json-schema.ts';
import { policySummary, validatePolicyFile } from '../../policy/validate.ts';
import { resolveOrg, UsageError, withDatabase } from '../context.ts';
import { table } from '../format.ts';

type Source = { kind: 'file'; file: string } | { kind: 'ref'; id: string; version?: number };

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('Escalation policies: check, publish, compare and list.');
  policy
    .command('validate')
    .description(
      'Check policy files (YAML or JSON); every problem is printed with its path. Exit code 2 if any is invalid.',
    )
    .argument('<files...>', 'policy files')
    .action(async (files: string[]) => {
      for (const file of files) {
        const check = await validatePolicyFile(file);
        if (check.ok) {
          const { levels, steps } = policySummary(check.policy);
          process.stdout.write(`${file}: ok (${check.policy.id}, ${levels} levels, ${steps} steps)\n`);
        } else {
          for (const p of check.problems) process.stdout.write(`${file}: ${p.path}: ${p.message}\n`);
          process.exitCode = 2;
        }
      }
    });
  policy
    .command('publish')
    .description('Validate a policy file and publish it as the next immutable version of its id.')
    .argument('<file>', 'the policy file (YAML or JSON)')
    .option('--org <id>', 'the org (default: the only org)')
    .option('--by <user>', 'who is publishing, recorded with the version', 'cli')
    .action(async (file: string, flags: { org?: string; by: string }) => {
      const document = await readValid(file);
      // publishPolicy refuses built-in ids too; asking first makes it a message, not a stack
      // trace, and needs no database.
      if (isBuiltin(document.id))
        throw new UsageError(`${document.id} is a built-in policy id; give your policy another id`);
      await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        const now = systemClock.now();
        const { version, created } = await db.withOrg(orgId, async (trx) => {
          const result = await publishPolicy(trx, orgId, document, flags.by, now);
          if (result.created)
            await appendAudit(trx, {
              orgId,
              at: now,
              actor: flags.by,
              action: 'policy.published',
              subjectType: 'policy',
              subjectId: `${document.id}@${result.version}`,
            });
          return result;
        });
        process.stdout.write(
          created
            ? `published ${document.id}@${version}\n`
            : `unchanged: ${document.id}@${version} already has this content\n`,
        );
      });
    });
  policy
    .command('diff')
    .description('Compare two policies, each a file or id@version; levels, steps and reminders are matched by id.')
    .argument('<a>', 'a policy file, id@version or id (latest published)')
    .argument('<b>', 'a policy file, id@version or id (latest published)')
    .option('--org <id>', 'the org whose published policies id@version names (default: the only org)')
    .option('--json', 'print the differences as a JSON list of {op, path, from, to}')
    .action(async (a: string, b: string, flags: { org?: string; json?: boolean }) => {
      const [left, right] = await resolvePair(parseSource(a), parseSource(b), flags.org);
      const entries = diffPolicies(left, right);
      if (flags.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      else if (entries.length === 0) process.stdout.write('no differences\n');
      else process.stdout.write(`--- ${a}\n+++ ${b}\n${entries.map(formatEntry).join('\n')}\n`);
    });
  policy
    .command('list')
    .description("List every built-in policy version and the org's published versions.")
    .option('--org <id>', 'the org (default: the only org)')
    .action(async (flags: { org?: string }) => {
      const rows = BUILTIN_VERSIONS.map((p) => [`${p.id}@${p.version ?? 1}`, p.name, 'built-in', '']);
      await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        const published: { id: string; version: number; name: string; published_at: Date; published_by: string }[] =
          await db.withOrg(orgId, (trx) =>
            trx('policies')
              .select('id', 'version', 'published_at', 'published_by', trx.raw(`document->>'name' as name`))
              .orderBy([{ column: 'id' }, { column: 'version' }]),
          );
        for (const p of published)
          rows.push([`${p.id}@${p.version}`, p.name, new Date(p.published_at).toISOString(), p.published_by]);
      });
      process.stdout.write(`${table(['policy', 'name', 'published', 'by'], rows)}\n`);
    });
  policy
    .command('schema')
    .description('Print the JSON Schema of a policy file, for editors (# yaml-language-server: $schema=FILE).')
    .action(() => {
      process.stdout.write(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
    });
}

async function readValid(file: string): Promise<PolicyDocument> {
  const check = await validatePolicyFile(file);
  if (check.ok) return check.policy;
  throw new UsageError(check.problems.map((p) => `${file}: ${p.path}: ${p.message}`).join('\n'));
}

/** An existing file wins, so a policy file may be named like an id. */
function parseSource(arg: string): Source {
  if (existsSync(arg)) return { kind: 'file', file: arg };
  const match = /^([A-Za-z][A-Za-z0-9_-]{0,63})(?:@([1-9]\d*))?$/.exec(arg);
  if (!match) throw new UsageError(`${arg}: no such file, and not a policy id@version`);
  return { kind: 'ref', id: match[1]!, ...(match[2] ? { version: Number(match[2]) } : {}) };
}

/** A built-in needs no database, so diffing a draft against one works before any org exists. */
function builtin(source: Source): PolicyDocument | undefined {
  if (source.kind !== 'ref') return undefined;
  return builtinPolicy(source.id, source.version);
}

async function resolvePair(a: Source, b: Source, org: string | undefined): Promise<[PolicyDocument, PolicyDocument]> {
  const local = async (source: Source): Promise<PolicyDocument | undefined> => {
    switch (source.kind) {
      case 'file':
        return readValid(source.file);
      case 'ref':
        return builtin(source);
      default: {
        const unreachable: never = source;
        throw new Error(`unknown source ${JSON.stringify(unreachable)}`);
      }
    }
  };
  const [left, right] = [await local(a), await local(b)];
  if (left && right) return [left, right];
  return withDatabase(async (db) => {
    const orgId = await resolveOrg(db, org);
    return db.withOrg(orgId, async (trx) => {
      const published = async (known: PolicyDocument | undefined, source: Source) => {
        if (known) return known;
        if (source.kind !== 'ref') throw new Error('a file is always resolved locally');
        try {
          return (await loadPolicy(trx, orgId, source.id, source.version)).document;
        } catch (error) {
          // The one failure the user can fix (a wrong id or version); anything else stays a crash.
          if (error instanceof Error && error.message.endsWith('is not published'))
            throw new UsageError(`${error.message} in org ${orgId}`);
          throw error;
        }
      };
      return [await published(left, a), await published(right, b)];
    });
  });
}

function formatEntry(entry: DiffEntry): string {
  switch (entry.op) {
    case '+':
      return `+ ${entry.path}: ${show(entry.path, entry.to)}`;
    case '-':
      return `- ${entry.path}: ${show(entry.path, entry.from)}`;
    case '~':
      return `~ ${entry.path}: ${show(entry.path, entry.from)} -> ${show(entry.path, entry.to)}`;
    default: {
      const unreachable: never = entry.op;
      throw new Error(`unknown diff op ${String(unreachable)}`);
    }
  }
}

/** Ranges as `10..29`, a whole level or step as a one-line summary, anything else as JSON. */
function show(path: string, value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value);
  if (RANGE_KEYS.has(path.slice(path.lastIndexOf('.') + 1))) return range(value);
  if (/(^|\.)levels\[[^\]]+\]$/.test(path)) {
    const { id: _id, days, balance_cents, unpaid_charges, steps, ...other } = value as Level;
    const parts = [`days ${range(days)}`];
    if (balance_cents) parts.push(`balance_cents ${range(balance_cents)}`);
    if (unpaid_charges) parts.push(`unpaid_charges ${range(unpaid_charges)}`);
    parts.push(`steps [${steps.map((step) => step.id).join(', ')}]`);
    return `${parts.join(', ')}${Object.keys(other).length > 0 ? ` ${JSON.stringify(other)}` : ''}`;
  }
  if (/\.steps\[[^\]]+\]$/.test(path)) {
    const { id: _id, day, action, ...other } = value as Step;
    return `day ${day} ${action} ${JSON.stringify(other)}`;
  }
  // The path already names a keyed item by its id.
  const { id, ...rest } = value as { id?: unknown };
  return JSON.stringify(path.endsWith(`[${String(id)}]`) ? rest : value);
}

function range({ min, max }: { min?: number; max?: number }): string {
  return min === undefined && max === undefined ? 'any' : `${min ?? ''}..${max ?? ''}`;
}
