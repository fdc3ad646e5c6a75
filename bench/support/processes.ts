import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChildHandle, startChild } from '../../demo/children';
import { productionNodeOptions } from '../../demo/productionStart';
import type { TeamsChannel } from './channel';
import { RESET_LIMIT, BOT_APP_ID, BOT_APP_SECRET, TENANT_ID } from './tenant';

/** The production build (`dist/`), which the benchmark runs as processes. */
const DIST = resolve(__dirname, '../..');
export const BOT_ENTRY = join(DIST, 'bot/index.js');
export const ECHO_BOT_ENTRY = join(DIST, 'bench/echoBot/index.js');
const SIMULATOR_ENTRY = join(DIST, 'simulator/main.js');
const TRUST_SIMULATOR_AUTHORITY = join(__dirname, 'trustSimulatorAuthority.js');

/**
 * `BENCH_PROFILE=simulator,bot,echo` (any of them): those processes write a V8 CPU profile on exit into
 * bench/results/profiles/, to open in Chrome DevTools or speedscope.
 */
function profiling(name: 'simulator' | BotKind): string[] {
  const wanted = (process.env.BENCH_PROFILE ?? '').split(',').map((part) => part.trim());
  if (!wanted.includes(name)) return [];
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${join(DIST, '../bench/results/profiles')}`,
    `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
  ];
}

/** The simulated tenant as a process of its own, so that its CPU is its own. */
export interface SimulatorProcess {
  url: string;
  pid: number;
  caCertPath: string;
  /** Every line it printed so far. */
  output(): string[];
  /** Calls the control API (`/_sim/…`); resolves with the JSON answer, if any. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(
  options: { latencyMs?: number; extraUsers?: number; stateDir?: string } = {},
): Promise<SimulatorProcess> {
  const child = await startChild(
    'simulator',
    process.execPath,
    [
      ...profiling('simulator'),
      SIMULATOR_ENTRY,
      '--port',
      '0',
      '--latency-ms',
      String(options.latencyMs ?? 0),
      '--users',
      String(options.extraUsers ?? 0),
      '--state-dir',
      resolve(options.stateDir ?? '.sim-state'),
    ],
    {
      env: { PATH: process.env.PATH ?? '' },
      readyWhen: (line) => line.includes('"event":"listening"'),
      timeoutMs: 60_000,
    },
  );
  const endpoint = JSON.parse(child.readyLine) as { url: string; controlKey: string; caCertPath: string };
  return {
    url: endpoint.url,
    pid: child.pid,
    caCertPath: endpoint.caCertPath,
    output: () => child.output(),
    control: async (method, path, body) => {
      const response = await fetch(`${endpoint.url}/_sim/${path}`, {
        method,
        headers: { 'x-sim-control-key': endpoint.controlKey, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`simulator ${method} /_sim/${path}: ${response.status}`);
      const text = await response.text();
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    },
    stop: () => child.stop(),
  };
}

export type BotKind = 'bot' | 'echo';

/** A bot process: the Helpdesk Reset bot (`node dist/bot/index.js`) or the bare echo bot. */
export interface BotProcess {
  kind: BotKind;
  pid: number;
  url: string;
  /** From spawning the process to its first `/healthz` 200. */
  startupMs: number;
  /** Every line it printed so far. */
  output(): string[];
  /** SIGTERM, as a platform stops it (SIGKILL after 5 s); removes its store. */
  stop(): Promise<void>;
}

/**
 * Both bots' environment: the bot's production configuration against the simulated tenant, with Bot Framework
 * authentication on (the channel's tokens checked against `channel`'s OpenID stand-in, replies signed with a
 * token from the simulated tenant), the embedded SQLite store, info logs, and the reset limits on but high.
 * The echo bot reads the Bot Framework settings among these, as the BotBuilder samples do.
 */
export function botEnvironment(
  simulator: Pick<SimulatorProcess, 'url' | 'caCertPath'>,
  channel: TeamsChannel,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    NODE_EXTRA_CA_CERTS: simulator.caCertPath,
    AZURE_TENANT_ID: TENANT_ID,
    AZURE_CLIENT_ID: BOT_APP_ID,
    AZURE_CLIENT_SECRET: BOT_APP_SECRET,
    AZURE_AUTHORITY_HOST: simulator.url,
    GRAPH_BASE_URL: simulator.url,
    MicrosoftAppId: BOT_APP_ID,
    MicrosoftAppPassword: BOT_APP_SECRET,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: TENANT_ID,
    ...channel.botSettings,
    ToChannelFromBotLoginUrl: `${simulator.url}/${TENANT_ID}`,
    BENCH_TRUSTED_AUTHORITY_HOST: new URL(simulator.url).host,
    LOG_LEVEL: 'info',
    RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR: String(RESET_LIMIT),
    RATE_LIMIT_RESETS_PER_TARGET_PER_DAY: String(RESET_LIMIT),
  };
}

/**
 * Starts a bot from the production build, in a new folder that holds its SQLite store, on a free port, and
 * resolves once `/healthz` answers 200 (polled every 2 ms from the moment of spawning).
 */
export async function startBotProcess(
  kind: BotKind,
  environment: Record<string, string>,
): Promise<BotProcess> {
  const folder = mkdtempSync(join(tmpdir(), `helpdesk-reset-bench-${kind}-`));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = performance.now();
    let child: ChildHandle;
    try {
      const ready = startChild(
        kind,
        process.execPath,
        [
          // Both bots run under production's heap limits (npm start), so that memory and CPU compare like for like.
          ...productionNodeOptions(),
          ...profiling(kind),
          '--require',
          TRUST_SIMULATOR_AUTHORITY,
          kind === 'bot' ? BOT_ENTRY : ECHO_BOT_ENTRY,
        ],
        {
          env: { ...environment, PORT: String(port), STATE_SQLITE_FILE: join(folder, 'state.sqlite') },
          cwd: folder,
          readyWhen: (line) => line.includes('"msg":"listening"'),
          timeoutMs: 30_000,
        },
      );
      const healthy = healthzAnswers(`http://127.0.0.1:${port}`, ready);
      child = await ready;
      await healthy;
    } catch (error) {
      // Another process may take the free port before the bot does; anything else is a failure.
      if (attempt < 3 && String(error).includes('EADDRINUSE')) continue;
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
    const startupMs = performance.now() - started;
    return {
      kind,
      pid: child.pid,
      url: `http://127.0.0.1:${port}`,
      startupMs,
      output: () => child.output(),
      stop: async () => {
        await child.stop();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
}

/** Resolves on the first `/healthz` 200; gives up when `gaveUp` rejects (the process failed to start). */
async function healthzAnswers(baseUrl: string, gaveUp: Promise<unknown>): Promise<void> {
  let failed = false;
  gaveUp.catch(() => {
    failed = true;
  });
  while (!failed) {
    if ((await statusOf(`${baseUrl}/healthz`)) === 200) return;
    await sleep(2);
  }
}

function statusOf(url: string): Promise<number> {
  return new Promise((resolveStatus) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('error', () => resolveStatus(0));
  });
}

/** A port nobody listens on right now (another process may still take it first: callers retry). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
