/**
 * Starting and stopping the demo's (and the end-to-end test's) child processes: each in a process group of
 * its own, ready when it prints a given line, stopped politely and then firmly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export type OutputStream = 'stdout' | 'stderr';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartChildOptions {
  /** The child's whole environment (not merged with ours, so a test controls exactly what the child sees). */
  env: NodeJS.ProcessEnv;
  /** Called with every output line until it returns true; the child is then ready. */
  readyWhen: (line: string) => boolean;
  timeoutMs: number;
  cwd?: string;
  /** Sees every line as it arrives (a launcher prints them; tests usually only read `output()`). */
  onLine?: (line: string, stream: OutputStream) => void;
}

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  /** The line that made `readyWhen` true. */
  readonly readyLine: string;
  /** Every stdout and stderr line so far, in arrival order. */
  output(): string[];
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<ChildExit>;
  /** SIGTERM to the child's process group, SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5000;

/** Process groups still running; killed when this process exits so no test run leaves orphans behind. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});

/**
 * Starts `command` in its own process group and resolves once one of its output lines satisfies
 * `readyWhen`. Rejects (after stopping it) when it exits first or does not get ready in time; the error
 * carries the child's output, which is where the reason is.
 */
export async function startChild(
  name: string,
  command: string,
  args: string[],
  options: StartChildOptions,
): Promise<ChildHandle> {
  // A group of its own: stop() reaches grandchildren too, and a Ctrl-C in the terminal reaches only the
  // launcher, which then stops its children in order.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) {
    const spawnError = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`${name}: could not start ${command}: ${spawnError.message}`);
  }
  liveGroups.add(pid);

  const lines: string[] = [];
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      liveGroups.delete(pid);
      // Let the last lines drain from the pipes first ('close'), unless a grandchild keeps them open.
      const settle = () => resolve({ code, signal });
      const drained = setTimeout(settle, 250);
      child.once('close', () => {
        clearTimeout(drained);
        settle();
      });
    });
  });
  const stop = () => stopGroup(child, pid, exited);

  let readyLine: string | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(failure(name, `was not ready within ${options.timeoutMs} ms`, lines)),
      options.timeoutMs,
    );
    const onLine = (line: string, stream: OutputStream) => {
      lines.push(line);
      options.onLine?.(line, stream);
      if (readyLine === undefined && options.readyWhen(line)) {
        readyLine = line;
        clearTimeout(timer);
        resolve(line);
      }
    };
    createInterface({ input: child.stdout }).on('line', (line) => onLine(line, 'stdout'));
    createInterface({ input: child.stderr }).on('line', (line) => onLine(line, 'stderr'));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(failure(name, `exited before it was ready (${describeExit({ code, signal })})`, lines));
    });
  });

  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, pid, readyLine: readyLine ?? '', output: () => [...lines], exited, stop };
}

export function describeExit({ code, signal }: ChildExit): string {
  return signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
}

async function stopGroup(child: ChildProcess, pid: number, exited: Promise<ChildExit>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited, graceOver]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    signalGroup(pid, 'SIGKILL');
    await exited;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function failure(name: string, what: string, lines: string[]): Error {
  const tail = lines.slice(-40).join('\n');
  return new Error(`${name} ${what}.${tail === '' ? ' It printed nothing.' : `\nIts last output:\n${tail}`}`);
}
