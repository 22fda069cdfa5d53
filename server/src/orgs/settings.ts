import { z } from 'zod';
import type { Trx } from '../db/database.ts';

/**
 * The per-org knobs the runner reads from `orgs.settings`. Unknown keys are kept (other layers
 * own them); known ones are validated so a bad value is reported, not half-applied.
 */
export const RunnerSettings = z.object({
  /** The scheduled scan opens work on leases this many days past due (the seed's "5/10/30"). */
  scan_overdue_days: z.array(z.number().int().min(0).max(3650)).min(1).default([5, 10, 30]),
  /** Policies a lease's first case pins, by lease kind. */
  policies: z
    .object({ residential: z.string().min(1).optional(), commercial: z.string().min(1).optional() })
    .default({}),
});
export type RunnerSettings = z.infer<typeof RunnerSettings>;

export async function runnerSettings(trx: Trx, orgId: string): Promise<RunnerSettings> {
  const row = await trx('orgs').where({ org_id: orgId }).first('settings');
  return parseRunnerSettings(row?.settings);
}

/** `orgs.settings` as stored → the runner's knobs. */
export function parseRunnerSettings(stored: unknown): RunnerSettings {
  const parsed = RunnerSettings.safeParse(stored ?? {});
  // A malformed setting falls back to the defaults rather than stopping every job of the org;
  // `arrears org` validates settings when they are written.
  return parsed.success ? parsed.data : RunnerSettings.parse({});
}

/** The policy a lease's first case pins, by lease kind, from the org's stored settings. */
export function orgPolicyFor(
  kind: 'residential' | 'commercial',
  storedSettings: Record<string, unknown>,
): { id: string; version?: number } {
  const settings = parseRunnerSettings(storedSettings);
  return { id: settings.policies[kind] ?? (kind === 'commercial' ? 'default-commercial' : 'default-residential') };
}
