import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contactGuard } from '../escalation/guards.ts';
import { loadScenario } from './load.ts';
import { buildReport, type SimulationReport } from './report.ts';
import { runScenario } from './run.ts';

export const SCENARIOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scenarios');

/** Runs a scenario file from the repo's scenarios/ exactly as `arrears simulate --json` does. */
export async function simulateFile(name: string): Promise<SimulationReport> {
  const run = await runScenario(await loadScenario(path.join(SCENARIOS, name)), contactGuard);
  try {
    return await buildReport(run);
  } finally {
    await run.close();
  }
}

export type Action = SimulationReport['actions'][number];

export function actionsOf(report: SimulationReport, lease: string, type?: string): Action[] {
  return report.actions.filter((a) => a.lease === lease && (type === undefined || a.type === type));
}

export function only(actions: Action[]): Action {
  if (actions.length !== 1)
    throw new Error(`expected exactly one action, got ${actions.length}: ${JSON.stringify(actions)}`);
  return actions[0]!;
}

export const day = (action: Action) => String(action.at).slice(0, 10);
