import knexFactory from 'knex';
import type pg from 'pg';
import { createDatabase, type Database } from '../../server/src/db/database.ts';
import { ingestChunk } from '../../server/src/ledger/ingest.ts';
import type { NumberedRecord } from '../../server/src/ledger/validate.ts';
import { DATABASE_URL, heading, int, progress, secs, timed } from './harness.ts';

interface Logged {
  ms: number;
  query: string;
  plan: string;
}

/** auto_explain's LOG lines: "duration: N ms  plan:\nQuery Text: ...\n<plan>". */
function parse(message: string): Logged | undefined {
  const match = /^duration: ([\d.]+) ms\s+plan:\n([\s\S]*)$/.exec(message);
  if (!match) return undefined;
  const lines = match[2]!.split('\n');
  const planStart = lines.findIndex((line) => /\(cost=\d/.test(line));
  const query = lines
    .slice(0, planStart)
    .join(' ')
    .replace(/^Query Text:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { ms: Number(match[1]), query, plan: lines.slice(planStart).join('\n') };
}

/**
 * Ingests one chunk with auto_explain logging every top-level statement of the
 * transaction (actual times, rows, buffers) to this client, then prints the statements by
 * time and the plans of the slowest ones. Needs a superuser connection for LOAD.
 */
export async function explainIngestChunk(
  schema: string,
  db: Database,
  orgId: string,
  source: string,
  records: readonly NumberedRecord[],
  label: string,
): Promise<number> {
  progress(`explain: ingesting the ${label} (${int(records.length)} events) with auto_explain on`);
  const notices: string[] = [];
  const knex = knexFactory({
    client: 'pg',
    connection: DATABASE_URL,
    searchPath: [schema],
    pool: {
      min: 0,
      max: 1,
      afterCreate: (connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) => {
        connection.on('notice', (notice) => notices.push(notice.message ?? ''));
        connection.query(
          `load 'auto_explain';
           set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on;
           set auto_explain.log_buffers = on; set auto_explain.log_timing = on;
           set auto_explain.log_nested_statements = off; set client_min_messages = log;`,
          (error) => done(error, connection),
        );
      },
    },
  });
  const explained = createDatabase(knex, db.appRole, 'postgres', () => knex.destroy());
  try {
    const ctx = { orgId, source, actor: 'system:bench', now: new Date() };
    const { ms, value } = await timed(() =>
      explained.withOrg(orgId, (trx) => ingestChunk(trx, explained, ctx, records)),
    );
    const logged = notices.map(parse).filter((l): l is Logged => l !== undefined);
    const total = logged.reduce((sum, l) => sum + l.ms, 0);
    heading(`ingest statements, ${label}: ${int(records.length)} events (auto_explain, timing on)`);
    console.log(
      `  chunk wall time ${secs(ms)} (inserted ${int(value.inserted)}); statements ${secs(total)}; ` +
        `rest (validation, COPY to stage, round trips) ${secs(ms - total)}`,
    );
    const ranked = [...logged].sort((a, b) => b.ms - a.ms);
    for (const l of ranked) console.log(`  ${l.ms.toFixed(1).padStart(9)} ms  ${l.query.slice(0, 110)}`);
    for (const l of ranked.slice(0, 4)) {
      heading(`${l.ms.toFixed(1)} ms: ${l.query.slice(0, 80)}`);
      console.log(l.plan);
    }
    return value.inserted;
  } finally {
    await explained.close();
  }
}
