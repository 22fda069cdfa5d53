import cliProgress from 'cli-progress';
import type { SimulationProgress } from './run.ts';

export interface SimulationProgressReporter {
  update(progress: SimulationProgress): void;
  stop(): void;
}

/**
 * Progress of a long `arrears simulate` run on stderr (stdout carries the result): a bar on a
 * terminal, plain lines every few seconds elsewhere. Nothing at all for a run shorter than
 * `quietMs` — most scenario files take a few seconds, and their output should stay clean.
 */
export function createSimulationProgress(
  stream: NodeJS.WriteStream,
  options: { quietMs?: number; intervalMs?: number; now?: () => number } = {},
): SimulationProgressReporter {
  const { quietMs = 3000, intervalMs = 5000, now = Date.now } = options;
  const started = now();
  let latest: SimulationProgress | undefined;
  let shown = false;
  const percent = (p: SimulationProgress) => Math.floor((p.done / Math.max(p.total, 1)) * 100);
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'simulating [{bar}] {percentage}% | {day} | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      update: (p) => {
        if (!shown && now() - started < quietMs) return;
        if (!shown) bar.start(p.total, 0, { day: p.day });
        shown = true;
        bar.update(p.done, { day: p.day });
      },
      stop: () => {
        if (shown) bar.stop();
      },
    };
  }
  let last = started;
  return {
    update: (p) => {
      latest = p;
      const t = now();
      if (t - started < quietMs || t - last < intervalMs) return;
      last = t;
      shown = true;
      stream.write(`simulating: ${percent(p)}% (${p.done} of ${p.total} timeline items), at ${p.day}\n`);
    },
    stop: () => {
      if (shown && latest) stream.write(`simulating: done (${latest.total} timeline items)\n`);
    },
  };
}
