import cliProgress from 'cli-progress';

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
  inserted: number;
  duplicates: number;
  rejected: number;
}

export interface ProgressReporter {
  update(progress: ImportProgress): void;
  stop(): void;
}

/**
 * A bar on a terminal; elsewhere (CI logs, pipes) a plain line at most every few seconds, so
 * long imports show they are alive without flooding the log.
 */
export function createProgressReporter(stream: NodeJS.WriteStream, label: string, intervalMs = 5000): ProgressReporter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {rows} rows | {inserted} new, {duplicates} dup, {rejected} rejected | ETA {eta_formatted}`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        if (!started) {
          bar.start(Math.max(p.totalBytes, 1), 0, p);
          started = true;
        }
        bar.update(p.bytes, p);
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let latest: ImportProgress | undefined;
  let printed: ImportProgress | undefined;
  const print = (p: ImportProgress) => {
    printed = p;
    const pct = p.totalBytes > 0 ? Math.floor((p.bytes / p.totalBytes) * 100) : 100;
    stream.write(
      `${label}: ${pct}% ${p.rows} rows (${p.inserted} new, ${p.duplicates} duplicate, ${p.rejected} rejected)\n`,
    );
  };
  return {
    update: (p) => {
      latest = p;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        print(p);
      }
    },
    // The last state once more, unless it is the line already printed.
    stop: () => {
      if (latest && latest !== printed) print(latest);
    },
  };
}
