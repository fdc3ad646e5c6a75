import path from 'node:path';
import { productionNodeOptions } from '../../demo/productionStart';
import { type ChildExit, type ChildHandle, describeExit, startChild } from './processes';

/** `npm start`'s entry point, as built. */
export const BOT_ENTRY = path.resolve(__dirname, '../../bot/index.js');

/** A stop that takes longer than the bot's own grace period (25 s) plus this has hung: the test fails. */
const STOP_TIMEOUT_MS = 40_000;

export interface BotProcessOptions {
  /**
   * The bot's whole environment (nothing of ours is passed on but `PATH`: a developer's shell or `.env` must
   * not change what a test runs).
   */
  env: Record<string, string>;
  /** Its working directory: where it would read a `.env` and put a relative `STATE_SQLITE_FILE`. */
  cwd: string;
  /** Sees every output line (stdout and stderr) as it arrives. */
  onLine?: (line: string) => void;
}

/**
 * The bot as production runs it (`npm start`: `node` with production's options, `dist/bot/index.js`), a
 * process of its own, configured by the environment, ready when it logs `listening`, and stopped by SIGTERM
 * as a platform stops it.
 */
export class BotProcess {
  private constructor(
    private readonly child: ChildHandle,
    /** Where it listens, from its `listening` line, e.g. http://127.0.0.1:PORT */
    readonly url: string,
  ) {}

  static async start(options: BotProcessOptions): Promise<BotProcess> {
    const child = await startChild('bot', process.execPath, [...productionNodeOptions(), BOT_ENTRY], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      cwd: options.cwd,
      readyWhen: (line) => logLine(line)?.msg === 'listening',
      timeoutMs: 20_000,
      onLine: (line) => options.onLine?.(line),
    });
    const url = logLine(child.readyLine)?.url;
    if (typeof url !== 'string') throw new Error(`no url in the listening line: ${child.readyLine}`);
    return new BotProcess(child, url);
  }

  get pid(): number {
    return this.child.pid;
  }

  /** Every line it printed so far, stdout and stderr, in arrival order. */
  output(): string[] {
    return this.child.output();
  }

  /** Resolves with the first output line (so far or to come) that `matches`; rejects after `timeoutMs`. */
  async waitForLine(matches: (line: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.output().find(matches);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no such line within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Settles when the process has exited, for whatever reason. */
  get exited(): Promise<ChildExit> {
    return this.child.exited;
  }

  /** Sends SIGTERM, as a deployment or a scale-in does; `stop()` also waits for the exit. */
  terminate(): void {
    process.kill(this.child.pid, 'SIGTERM');
  }

  /**
   * SIGTERM, then resolves with the exit code once it has exited by itself. A process still running long
   * after its grace period is killed and the promise rejects: a stop that hangs is a failure.
   */
  async stop(): Promise<number | null> {
    if (!(await this.hasExited())) this.terminate();
    return this.exitCode();
  }

  /** Resolves with the exit code once it exits (after a `terminate()`); rejects as `stop()` does. */
  async exitCode(): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), STOP_TIMEOUT_MS);
    });
    const exit = await Promise.race([this.child.exited, hung]);
    clearTimeout(timer);
    if (exit === 'hung') {
      await this.child.stop();
      throw new Error(`the bot did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
    }
    if (exit.signal !== null) throw new Error(`the bot ended by ${describeExit(exit)}, not by exiting`);
    return exit.code;
  }

  /** Stops it however it can (after a failed test): SIGTERM, then SIGKILL. */
  kill(): Promise<void> {
    return this.child.stop();
  }

  private async hasExited(): Promise<boolean> {
    const now = Symbol('running');
    return (await Promise.race([this.child.exited, Promise.resolve(now)])) !== now;
  }
}

/** A pino JSON line's fields; undefined for any other line. */
export function logLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
