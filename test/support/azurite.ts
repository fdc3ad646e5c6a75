import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type ChildHandle } from './processes';

/**
 * Azurite's well-known development account (Learn, "Connect to Azurite with SDKs and tools",
 * https://learn.microsoft.com/azure/storage/common/storage-connect-azurite#http-connection-strings).
 */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const BLOB_MAIN = require.resolve('azurite/dist/src/blob/main.js');
const LISTENING = /listens on http:\/\/127\.0\.0\.1:(\d+)/;

export interface AzuriteOptions {
  /**
   * Keep the data in a temporary folder instead of in memory, so that it survives `restart()` (the folder is
   * removed by `stop()`).
   */
  onDisk?: boolean;
}

export interface Azurite {
  /** The account's connection string, with an explicit `BlobEndpoint` on 127.0.0.1. */
  readonly connectionString: string;
  readonly port: number;
  /** Stops the process (if running) and removes its data folder; safe to call twice. */
  stop(): Promise<void>;
  /** Stops the process and keeps its data: an outage (`start()` brings it back on the same port). */
  halt(): Promise<void>;
  /** Starts it again on the same port, with the data it had if `onDisk`. */
  start(): Promise<void>;
  /** `halt()` then `start()`. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections are accepted by the kernel and never answered. */
  pause(): void;
  resume(): void;
}

/** Starts Azurite's Blob service on 127.0.0.1 on a free port: in memory, or on disk with `onDisk`. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const location = options.onDisk === true ? await mkdtemp(join(tmpdir(), 'azurite-')) : undefined;
  let child: ChildHandle | undefined;
  let paused = false;

  const launch = async (port: number): Promise<number> => {
    const storageArgs = location === undefined ? ['--inMemoryPersistence'] : ['--location', location];
    child = await startChild(
      'azurite',
      process.execPath,
      [
        BLOB_MAIN,
        ...storageArgs,
        '--disableTelemetry',
        '--skipApiVersionCheck',
        '--silent',
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(port),
      ],
      { env: { PATH: process.env.PATH }, readyWhen: (line) => LISTENING.test(line), timeoutMs: 20_000 },
    );
    return Number(LISTENING.exec(child.readyLine)?.[1]);
  };
  const halt = async () => {
    const running = child;
    child = undefined;
    if (running === undefined) return;
    // A frozen process cannot act on SIGTERM.
    if (paused) process.kill(running.pid, 'SIGCONT');
    paused = false;
    await running.stop();
  };

  let port: number;
  try {
    port = await launch(0);
  } catch (error) {
    if (location !== undefined) await rm(location, { recursive: true, force: true });
    throw error;
  }
  const start = async () => {
    if (child === undefined) await launch(port);
  };
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
      `BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    port,
    stop: async () => {
      await halt();
      if (location !== undefined) await rm(location, { recursive: true, force: true });
    },
    halt,
    start,
    restart: async () => {
      await halt();
      await start();
    },
    pause: () => {
      if (child === undefined || paused) return;
      process.kill(child.pid, 'SIGSTOP');
      paused = true;
    },
    resume: () => {
      if (child === undefined || !paused) return;
      process.kill(child.pid, 'SIGCONT');
      paused = false;
    },
  };
}
