import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from './database.ts';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE_NAME } from './lockfile.ts';

const lockModule = path.join(import.meta.dirname, 'lockfile.ts');
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Another OS process that takes the lock and holds it until killed. */
async function holdLockInChild(): Promise<ReturnType<typeof spawn>> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(lockModule)}); m.acquireDataDirLock(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
  return child;
}

test('a second process on the same data directory is refused with a clear message', async () => {
  const child = await holdLockInChild();
  try {
    let error: unknown;
    try {
      acquireDataDirLock(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toMatch(
      new RegExp(`Another Arrears process \\(pid ${child.pid} on .*\\) is using the data directory`),
    );
    expect((error as Error).message).toMatch(/set ARREARS_DATA_DIR to another directory/);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
  }
  // The holder died without cleaning up (kill -9): its stale lock is taken over.
  const lock = acquireDataDirLock(dir);
  expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
  lock.release();
  expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
});

test('opening the embedded database twice in one process is refused too, and close releases it', async () => {
  const config = loadConfig({ ARREARS_DATA_DIR: dir });
  const first = await openDatabase(config);
  await expect(openDatabase(config)).rejects.toBeInstanceOf(DataDirLockedError);
  await first.close();
  expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
  const again = await openDatabase(config);
  expect(again.createdFresh).toBe(false);
  await again.close();
});
