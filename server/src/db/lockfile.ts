import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE_NAME = 'arrears.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  readonly dataDir: string;
  readonly holder: LockHolder;

  constructor(dataDir: string, holder: LockHolder) {
    super(
      `Another Arrears process (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}) is using the data directory ${dataDir}.\n` +
        `Two processes on one embedded database lose data, so this one will not start.\n` +
        `Stop the other process, use its HTTP API, or set ARREARS_DATA_DIR to another directory.`,
    );
    this.name = 'DataDirLockedError';
    this.dataDir = dataDir;
    this.holder = holder;
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else: still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock on an embedded data directory. PGlite has no multi-process
 * protection of its own: two processes on the same directory silently lose writes. The lock
 * is a file created with O_EXCL holding the owner's pid; a lock left by a dead process (kill -9)
 * is taken over.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE_NAME);
  const holder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(holder), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          const current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number; startedAt: string };
          if (current.pid === holder.pid && current.startedAt === holder.startedAt) fs.unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on('exit', release);
      return { path: lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let existing: { pid: number; host: string; startedAt: string } | undefined;
    try {
      existing = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    } catch {
      existing = undefined; // Half-written or vanished: treat as stale.
    }
    if (existing && existing.host === os.hostname() && !isAlive(existing.pid)) {
      fs.rmSync(lockPath, { force: true });
      continue;
    }
    if (existing) throw new DataDirLockedError(dataDir, existing);
    fs.rmSync(lockPath, { force: true });
  }
  throw new Error(`Could not take the lock ${lockPath}; remove it if no Arrears process is running.`);
}
