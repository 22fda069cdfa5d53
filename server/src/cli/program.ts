import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerImport } from './commands/import.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerOrg } from './commands/org.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerProvider } from './commands/provider.ts';
import { registerScan } from './commands/scan.ts';
import { registerServe } from './commands/serve.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerWorker } from './commands/worker.ts';
import { isExpected, UsageError } from './context.ts';

export function buildProgram(): Command {
  const program = new Command('arrears')
    .description('Rent delinquency tracking and escalation.')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerServe(program);
  registerWorker(program);
  registerMigrate(program);
  registerImport(program);
  registerScan(program);
  registerSimulate(program);
  registerPolicy(program);
  registerAudit(program);
  registerOrg(program);
  registerProvider(program);
  program.addHelpText(
    'after',
    '\nEnvironment: DATABASE_URL (PostgreSQL; unset = embedded PGlite), ARREARS_DATA_DIR, PORT, HOST, LOG_LEVEL.\nSee the README.',
  );
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failed, 2 bad usage or configuration. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isExpected(error)) {
      process.stderr.write(`${error.message}\n`);
      return error instanceof UsageError ? error.exitCode : error.name === 'ConfigError' ? 2 : 1;
    }
    process.stderr.write(`Unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
