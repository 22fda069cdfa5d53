import { OrgSettings, OrgSettingsPatch, ORG_SETTING_KEYS } from '@arrears/shared';
import type { Trx } from '../db/database.ts';
import { appendAudit } from '../audit/append.ts';
import type { z } from 'zod';
import { AppError, type IssueDetail } from '../errors.ts';
import { builtinPolicy, isBuiltin } from '../policy/builtin.ts';
import { loadPolicy } from '../escalation/policies.ts';

/** The knobs the runner reads; the engine's own come with a lease's facts (escalation/facts.ts). */
export type RunnerSettings = Pick<OrgSettings, 'scan_overdue_days' | 'policies'>;

export async function runnerSettings(trx: Trx, orgId: string): Promise<RunnerSettings> {
  const row = await trx('orgs').where({ org_id: orgId }).first('settings');
  return effectiveSettings(row?.settings);
}

/**
 * `orgs.settings` as stored → every setting, defaults filled in. Writes are validated
 * (`updateOrgSettings`), so a bad stored value only comes from a hand edit: that one key falls
 * back to its default rather than stopping every job of the org, and keys this version does not
 * know are ignored (a newer layer may own them).
 */
export function effectiveSettings(stored: unknown): OrgSettings {
  const record = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const settings = OrgSettings.parse({}) as Record<string, unknown>;
  for (const key of ORG_SETTING_KEYS) {
    if (!(key in record)) continue;
    const one = OrgSettings.shape[key].safeParse(record[key]);
    if (one.success) settings[key] = one.data;
  }
  return settings as OrgSettings;
}

/** The policy a lease's first case pins, by lease kind, from the org's stored settings. */
export function orgPolicyFor(
  kind: 'residential' | 'commercial',
  storedSettings: Record<string, unknown>,
): { id: string; version?: number } {
  const settings = effectiveSettings(storedSettings);
  return { id: settings.policies[kind] ?? (kind === 'commercial' ? 'default-commercial' : 'default-residential') };
}

export interface SettingsChange {
  settings: OrgSettings;
  /** Effective value before and after, for each key whose effective value changed. */
  changed: Record<string, { from: unknown; to: unknown }>;
}

/**
 * Applies a merge patch (RFC 7396: null = back to the default) to the org's settings under a
 * row lock, validates the result, and audits what changed with the actor. Every problem is an
 * `invalid_request` naming its path (`settings.<key>…`); nothing is written unless all is valid.
 */
export async function updateOrgSettings(
  trx: Trx,
  orgId: string,
  patch: unknown,
  actor: string,
  now: Date,
): Promise<SettingsChange> {
  const parsed = OrgSettingsPatch.safeParse(patch);
  const details: IssueDetail[] = parsed.success ? [] : parsed.error.issues.flatMap(patchIssueDetails);
  const row = await trx('orgs').where({ org_id: orgId }).forUpdate().first('settings');
  if (!row) throw new AppError('not_found', `No org "${orgId}"`);
  // The keys that are valid are applied and checked (the policies named exist…) even when others
  // fail, so one answer lists every problem; nothing is written unless there are none.
  const data = parsed.success ? parsed.data : validParts(patch);
  const stored: Record<string, unknown> = { ...(row.settings as Record<string, unknown>) };
  for (const [key, value] of Object.entries(data)) {
    if (value === null) delete stored[key];
    else if (key === 'policies') stored.policies = mergePolicies(stored.policies, value as Record<string, unknown>);
    else stored[key] = key === 'scan_overdue_days' ? [...new Set(value as number[])].sort((a, b) => a - b) : value;
  }
  details.push(...(await policyProblems(trx, orgId, stored.policies as Record<string, string> | undefined)));
  if (details.length)
    throw new AppError('invalid_request', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);

  const before = effectiveSettings(row.settings);
  const after = effectiveSettings(stored);
  const changed: SettingsChange['changed'] = {};
  for (const key of ORG_SETTING_KEYS)
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      changed[key] = { from: before[key], to: after[key] };
  if (Object.keys(changed).length === 0) return { settings: after, changed };

  await trx('orgs')
    .where({ org_id: orgId })
    .update({ settings: JSON.stringify(stored) });
  await appendAudit(trx, {
    orgId,
    at: now,
    actor,
    action: 'org.settings_changed',
    subjectType: 'org',
    subjectId: orgId,
    data: { changed },
  });
  return { settings: after, changed };
}

function patchIssueDetails(issue: z.core.$ZodIssue): IssueDetail[] {
  const path = ['settings', ...issue.path.map(String)].join('.');
  if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
  const known = issue.path.length ? 'residential, commercial' : ORG_SETTING_KEYS.join(', ');
  return issue.keys.map((key) => ({ path: `${path}.${key}`, message: `unknown setting; known: ${known}` }));
}

/** The keys (and policy kinds) of a patch that failed validation that are valid on their own. */
function validParts(patch: unknown): OrgSettingsPatch {
  const out: Record<string, unknown> = {};
  if (!isRecord(patch)) return out;
  const shape = OrgSettingsPatch.shape as Record<string, z.ZodType>;
  const kinds = OrgSettingsPatch.shape.policies.unwrap().unwrap().shape;
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in shape)) continue;
    if (key === 'policies' && isRecord(value)) {
      const valid = Object.entries(value).filter(
        ([kind, id]) => kind in kinds && kinds[kind as keyof typeof kinds].safeParse(id).success,
      );
      if (valid.length) out.policies = Object.fromEntries(valid);
    } else if (shape[key]!.safeParse(value).success) out[key] = value;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mergePolicies(current: unknown, patch: Record<string, unknown>): Record<string, unknown> | undefined {
  const merged: Record<string, unknown> = { ...(current && typeof current === 'object' ? current : {}) };
  for (const [kind, id] of Object.entries(patch)) {
    if (id === null) delete merged[kind];
    else merged[kind] = id;
  }
  return Object.keys(merged).length ? merged : undefined;
}

/** A policy named for a lease kind must exist for this org and may not exclude that kind. */
async function policyProblems(
  trx: Trx,
  orgId: string,
  policies: Record<string, string> | undefined,
): Promise<IssueDetail[]> {
  const details: IssueDetail[] = [];
  for (const [kind, id] of Object.entries(policies ?? {})) {
    const path = `settings.policies.${kind}`;
    const document = isBuiltin(id)
      ? builtinPolicy(id)
      : await loadPolicy(trx, orgId, id).then(
          (p) => p.document,
          () => undefined,
        );
    if (!document) {
      details.push({
        path,
        message: `no policy "${id}" (built-in or published for this org); see: arrears policy list`,
      });
      continue;
    }
    const kinds = document.applies_to?.lease_kind;
    if (kinds && !kinds.includes(kind as 'residential' | 'commercial'))
      details.push({ path, message: `policy "${id}" applies to ${kinds.join(', ')} leases only, not ${kind}` });
  }
  return details;
}
