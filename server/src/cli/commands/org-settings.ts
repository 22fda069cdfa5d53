import type { Command } from 'commander';
import { ORG_SETTING_KEYS } from '@arrears/shared';
import { systemClock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { effectiveSettings, updateOrgSettings, type SettingsChange } from '../../orgs/settings.ts';
import { resolveOrg, UsageError, withDatabase } from '../context.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `arrears org settings`: show the org's settings, or change some (`--set`, `--unset`), audited. */
export function registerOrgSettings(org: Command): void {
  org
    .command('settings')
    .description(
      'Show the org\'s settings (defaults filled in), or change them: --set KEY=VALUE (VALUE as JSON, else text; KEY may be "policies.residential"), --unset KEY (back to the default). Validated before anything is written; each change is audited.',
    )
    .option('--org <id>', 'the org (default: the only org)')
    .option('--set <key=value>', 'set a setting (repeatable), e.g. --set scan_overdue_days=[3,7,14]', collect, [])
    .option('--unset <key>', 'return a setting to its default (repeatable)', collect, [])
    .option('--json', 'print {org_id, settings, changed} as JSON')
    .addHelpText('after', `\nSettings: ${ORG_SETTING_KEYS.join(', ')}`)
    .action(async (flags: { org?: string; set: string[]; unset: string[]; json?: boolean }) => {
      const patch = patchOf(flags.set, flags.unset);
      await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        let result: SettingsChange;
        try {
          result =
            Object.keys(patch).length === 0
              ? await db.withOrg(orgId, async (trx) => ({
                  settings: effectiveSettings((await trx('orgs').where({ org_id: orgId }).first('settings'))?.settings),
                  changed: {},
                }))
              : await db.withOrg(orgId, (trx) => updateOrgSettings(trx, orgId, patch, 'cli', systemClock.now()));
        } catch (error) {
          if (error instanceof AppError && error.code === 'invalid_request')
            throw new UsageError(
              `Settings not changed:\n${error.details.map((d) => `  ${d.path}: ${d.message}`).join('\n')}`,
            );
          throw error;
        }
        process.stdout.write(flags.json ? `${JSON.stringify({ org_id: orgId, ...result })}\n` : render(orgId, result));
      });
    });
}

/** `--set a.b=JSON` and `--unset a.b` → one merge patch. */
export function patchOf(sets: string[], unsets: string[]): Record<string, unknown> {
  // A key both set and unset (or a key and its parent) has no one meaning: whichever flag
  // happened to be applied last would win silently.
  const setKeys = sets.map((assignment) => assignment.slice(0, Math.max(assignment.indexOf('='), 0)));
  const clashes = unsets.flatMap((unset) =>
    setKeys
      .filter((set) => set && (set === unset || set.startsWith(`${unset}.`) || unset.startsWith(`${set}.`)))
      .map((set) => (set === unset ? `"${set}"` : `"${set}" and "${unset}"`)),
  );
  if (clashes.length)
    throw new UsageError(
      `--set and --unset of the same setting: ${[...new Set(clashes)].join(', ')}; give one or the other`,
    );
  const patch: Record<string, unknown> = {};
  const put = (path: string, value: unknown) => {
    const keys = path.split('.');
    if (keys.some((k) => !k) || keys.length > 2) throw new UsageError(`"${path}": expected KEY or KEY.SUBKEY`);
    if (keys.length === 1) patch[keys[0]!] = value;
    else {
      const parent = patch[keys[0]!];
      const inner = parent && typeof parent === 'object' ? (parent as Record<string, unknown>) : {};
      patch[keys[0]!] = { ...inner, [keys[1]!]: value };
    }
  };
  for (const assignment of sets) {
    const at = assignment.indexOf('=');
    if (at < 1) throw new UsageError(`--set "${assignment}": expected KEY=VALUE`);
    const raw = assignment.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: a plain word such as a policy id is taken as text.
    }
    put(assignment.slice(0, at), value);
  }
  for (const key of unsets) put(key, null);
  return patch;
}

function render(orgId: string, { settings, changed }: SettingsChange): string {
  const width = Math.max(...ORG_SETTING_KEYS.map((k) => k.length));
  const lines = ORG_SETTING_KEYS.map((key) => {
    const was = changed[key] ? `   (was ${JSON.stringify(changed[key].from)})` : '';
    return `  ${key.padEnd(width)}  ${JSON.stringify(settings[key])}${was}`;
  });
  const summary = Object.keys(changed).length ? `, ${Object.keys(changed).length} changed` : '';
  return `org ${orgId}${summary}\n${lines.join('\n')}\n`;
}
