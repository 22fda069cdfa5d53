import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contactGuard } from '../escalation/guards.ts';
import { loadScenario, parseScenario } from './load.ts';
import { buildReport, type SimulationReport } from './report.ts';
import { runScenario, type SimulationRun } from './run.ts';

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

/**
 * Runs scenario text (YAML or JSON; lines are joined) through `runScenario` and hands the
 * finished run to `read` before the throwaway database is closed.
 */
export async function simulateRun<T>(
  text: string | readonly string[],
  read: (run: SimulationRun) => Promise<T>,
): Promise<T> {
  const run = await runScenario(parseScenario(typeof text === 'string' ? text : text.join('\n')), contactGuard);
  try {
    return await read(run);
  } finally {
    await run.close();
  }
}

/** The `--json` report of scenario text. */
export function simulateText(text: string | readonly string[]): Promise<SimulationReport> {
  return simulateRun(text, buildReport);
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
