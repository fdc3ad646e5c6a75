import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const staleLockMs = 30_000;

/**
 * Runs `work` while holding `<stateDir>/.lock`, so that simulators started at the same moment (parallel
 * tests, the demo and a benchmark) do not each write a different CA into the same folder.
 */
export async function withStateLock<T>(stateDir: string, work: () => T): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const lock = join(stateDir, '.lock');
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock)) {
        rmdirSync(lock);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the simulator state lock ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return work();
  } finally {
    rmdirSync(lock);
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > staleLockMs;
  } catch {
    return false;
  }
}
