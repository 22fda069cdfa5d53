import { parseArgs } from 'node:util';
import type { EngineOptions } from './engine.ts';
import type { BenchOptions } from './harness.ts';

interface Benchmark {
  summary: string;
  load: () => Promise<{ run(options: BenchOptions & EngineOptions): Promise<void> }>;
}

/** One line per benchmark; modules load lazily so one benchmark's imports never slow another. */
const BENCHMARKS: Record<string, Benchmark> = {
  ingest: { summary: 'idempotent ledger ingest vs raw COPY (rows/s)', load: () => import('./ingest.ts') },
  scan: { summary: 'as-of aging over the ledger vs a plain aggregate', load: () => import('./scan.ts') },
  pipeline: {
    summary: 'ledger events → dispatched sandbox effects/s, 1 vs 2 worker processes, beside raw pg-boss',
    load: () => import('./pipeline.ts'),
  },
  engine: {
    summary: 'decide() per second vs severity(); simulate wall time over demo leases',
    load: () => import('./engine.ts'),
  },
};

const USAGE = `usage: npm run bench -- NAME [options]

benchmarks:
${Object.entries(BENCHMARKS)
  .map(([name, b]) => `  ${name.padEnd(10)} ${b.summary}`)
  .join('\n')}

options:
  --rows N        ledger rows (ingest: 1,000,000; scan: 1,000,000, or 10,000,000 with --large)
  --leases N      leases (default: rows / 10; engine: the first N demo leases simulated, default 25)
  --decisions N   engine: decide() calls per timed pass (default 500,000)
  --months N      engine: months of the demo history simulated (default 18)
  --large         scan: 1M leases / 10M rows, and check the 30 s target
  --chunk N[,N]   ingest: events per transaction; several sizes sweep (one org each), fastest wins
  --runs N        scan: timed runs per query, median reported (default 5); engine: timed passes, median
                  (decide(): 5, simulate: 1)
  --budget S      ingest: seconds each product phase may run before it is cut short (default 900)
  --explain       print EXPLAIN (ANALYZE, BUFFERS) plans of the measured statements

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) must allow creating schemas.`;

function usage(problem?: string): never {
  if (problem) console.error(`bench: ${problem}\n`);
  console.error(USAGE);
  process.exit(2);
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) usage(`--${flag} expects a positive whole number, got "${value}"`);
  return n;
}

function parse(argv: string[]): { name: string; options: BenchOptions & EngineOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        large: { type: 'boolean', default: false },
        explain: { type: 'boolean', default: false },
        rows: { type: 'string' },
        leases: { type: 'string' },
        chunk: { type: 'string' },
        runs: { type: 'string' },
        decisions: { type: 'string' },
        months: { type: 'string' },
        budget: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) usage();
  const [name, ...extra] = positionals;
  if (!name || !Object.hasOwn(BENCHMARKS, name)) usage(name ? `unknown benchmark "${name}"` : 'no benchmark named');
  if (extra.length > 0) usage(`unexpected arguments: ${extra.join(' ')}`);
  const chunks = values.chunk?.split(/\s*[;,]\s*|\s+/).map((c) => count('chunk', c.replace(/k$/i, '000'))!);
  const options: BenchOptions & EngineOptions = { large: values.large, explain: values.explain };
  const rows = count('rows', values.rows);
  const leases = count('leases', values.leases);
  const runs = count('runs', values.runs);
  const budget = count('budget', values.budget);
  const decisions = count('decisions', values.decisions);
  const months = count('months', values.months);
  if (decisions !== undefined) options.decisions = decisions;
  if (months !== undefined) options.months = months;
  if (budget !== undefined) options.budget = budget;
  if (rows !== undefined) options.rows = rows;
  if (leases !== undefined) options.leases = leases;
  if (runs !== undefined) options.runs = runs;
  if (chunks) options.chunks = chunks;
  return { name, options };
}

const { name, options } = parse(process.argv.slice(2));
try {
  const benchmark = await BENCHMARKS[name]!.load();
  await benchmark.run(options);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
