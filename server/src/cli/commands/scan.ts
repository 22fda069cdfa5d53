import type { Command } from 'commander';
import { systemClock } from '../../clock.ts';
import { leaseAging, portfolioAging, type AsOf } from '../../ledger/aging.ts';
import { parseDateOption, parseIntegerOption, resolveOrg, withDatabase } from '../context.ts';
import { money, table } from '../format.ts';

interface ScanFlags {
  org?: string;
  asOf?: string;
  json?: boolean;
  leases?: boolean;
  minDays: string;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Print the portfolio aging table: balances and open charges by days past due, per property.')
    .option('--org <id>', 'the org to scan (default: the only org)')
    .option('--as-of <date>', "a day, YYYY-MM-DD (default: today in each property's time zone)")
    .option('--leases', 'also list every lease with something past due')
    .option('--min-days <n>', 'with --leases: only leases at least this many days past due', '1')
    .option('--json', 'machine-readable output')
    .action(async (flags: ScanFlags) => {
      const asOf: AsOf = flags.asOf ? { date: parseDateOption('--as-of', flags.asOf) } : { instant: systemClock.now() };
      const minDays = parseIntegerOption('--min-days', flags.minDays, 0);
      await withDatabase(async (db) => {
        const orgId = await resolveOrg(db, flags.org);
        const { properties, leases } = await db.withOrg(orgId, async (trx) => ({
          properties: await portfolioAging(trx, orgId, asOf),
          leases: flags.leases
            ? (await leaseAging(trx, orgId, asOf)).filter((l) => l.days_past_due >= minDays && l.past_due_cents > 0)
            : [],
        }));
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ org: orgId, as_of: flags.asOf ?? null, properties, ...(flags.leases ? { leases } : {}) }, null, 2)}\n`,
          );
          return;
        }
        const sum = (key: keyof (typeof properties)[number]) => properties.reduce((t, p) => t + Number(p[key]), 0);
        const row = (name: string, p: Record<string, number | string>) => [
          name,
          String(p.leases),
          String(p.delinquent_leases),
          money(Number(p.balance_cents)),
          money(Number(p.d0_30_cents)),
          money(Number(p.d31_60_cents)),
          money(Number(p.d61_90_cents)),
          money(Number(p.d90_plus_cents)),
        ];
        const totals: Record<string, number> = {};
        for (const k of [
          'leases',
          'delinquent_leases',
          'balance_cents',
          'd0_30_cents',
          'd31_60_cents',
          'd61_90_cents',
          'd90_plus_cents',
        ] as const) {
          totals[k] = sum(k);
        }
        process.stdout.write(`Aging for org ${orgId} as of ${flags.asOf ?? "today (each property's local date)"}\n\n`);
        process.stdout.write(
          table(
            ['property', 'leases', 'past due', 'balance', '0–30', '31–60', '61–90', '90+'],
            [
              ...properties.map((p) => row(p.property_id, p as unknown as Record<string, number>)),
              row('TOTAL', totals),
            ],
          ) + '\n',
        );
        if (flags.leases) {
          process.stdout.write('\n');
          process.stdout.write(
            table(
              ['lease', 'days', 'oldest due', 'past due', 'balance'],
              leases
                .sort((a, b) => b.days_past_due - a.days_past_due)
                .map((l) => [
                  l.lease_id,
                  String(l.days_past_due),
                  l.oldest_unpaid_due_on ?? '',
                  money(l.past_due_cents),
                  money(l.balance_cents),
                ]),
            ) + '\n',
          );
        }
      });
    });
}
