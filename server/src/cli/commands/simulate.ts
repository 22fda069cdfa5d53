import type { Command } from 'commander';
import { UsageError } from '../context.ts';
import { contactGuard } from '../../escalation/guards.ts';
import { loadScenario, ScenarioError } from '../../simulate/load.ts';
import { buildReport, formatTimeline } from '../../simulate/report.ts';
import { createSimulationProgress } from '../../simulate/progress.ts';
import { runScenario } from '../../simulate/run.ts';

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'Run a scenario file (YAML or JSON) through the real engine on a throwaway embedded database and print what happened.',
    )
    .argument('<file>', 'the scenario (see the README, "Scenario files")')
    .option('--json', 'print the machine-readable result (deterministic, byte for byte)')
    .option('--quiet', 'no progress lines on stderr, however long the run (stderr then carries only errors)')
    .action(async (file: string, flags: { json?: boolean; quiet?: boolean }) => {
      let scenario;
      try {
        scenario = await loadScenario(file);
      } catch (error) {
        if (error instanceof ScenarioError) throw new UsageError(error.message, 2);
        throw error;
      }
      const progress = flags.quiet ? undefined : createSimulationProgress(process.stderr);
      let run;
      try {
        run = await runScenario(scenario, contactGuard, progress?.update);
      } finally {
        progress?.stop();
      }
      try {
        const report = await buildReport(run);
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatTimeline(report));
      } finally {
        await run.close();
      }
    });
}
