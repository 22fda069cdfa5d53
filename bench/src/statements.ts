import type { Trx } from '../../server/src/db/database.ts';
import { heading, int, secs } from './harness.ts';

interface Stat {
  calls: number;
  ms: number;
}

/** Time per SQL statement across a run, keyed by the statement's first words. */
export class StatementTimes {
  readonly stats = new Map<string, Stat>();

  add(label: string, ms: number): void {
    const stat = this.stats.get(label) ?? { calls: 0, ms: 0 };
    stat.calls++;
    stat.ms += ms;
    this.stats.set(label, stat);
  }

  /** Times them how long `fn` takes under `label` (for work that is not a trx.raw call). */
  async time<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(label, performance.now() - t0);
    }
  }

  /**
   * The transaction, with every `trx.raw` timed (round trip included). Everything else (the
   * query builder, the COPY connection) passes through untouched; the product code only ever
   * awaits what raw returns, so handing it a promise instead of knex's thenable is invisible.
   */
  instrument(trx: Trx): Trx {
    const raw = (...args: Parameters<Trx['raw']>) => {
      const t0 = performance.now();
      const label = String(args[0]).replace(/\s+/g, ' ').trim().slice(0, 96);
      return Promise.resolve(trx.raw(...args)).then((result) => {
        this.add(label, performance.now() - t0);
        return result;
      });
    };
    return new Proxy(trx, {
      get: (target, key, receiver) => (key === 'raw' ? raw : Reflect.get(target, key, receiver)),
    });
  }

  print(title: string, totalMs: number, top = 10): void {
    const ranked = [...this.stats].sort((a, b) => b[1].ms - a[1].ms);
    const accounted = ranked.reduce((sum, [, s]) => sum + s.ms, 0);
    heading(title);
    console.log(`  ${'total'.padStart(9)}  ${'share'.padStart(6)}  ${'calls'.padStart(6)}  statement`);
    for (const [label, s] of ranked.slice(0, top)) {
      const share = `${((s.ms / totalMs) * 100).toFixed(1)}%`;
      console.log(`  ${secs(s.ms).padStart(9)}  ${share.padStart(6)}  ${int(s.calls).padStart(6)}  ${label}`);
    }
    const rest = totalMs - accounted;
    console.log(
      `  ${secs(rest).padStart(9)}  ${`${((rest / totalMs) * 100).toFixed(1)}%`.padStart(6)}  ${''.padStart(6)}  ` +
        'everything else: zod validation, COPY into the stage, audit insert, BEGIN/COMMIT',
    );
  }
}
