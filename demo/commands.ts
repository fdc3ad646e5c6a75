import { join, resolve } from 'node:path';
import { productionNodeOptions } from './productionStart';

/**
 * How to start the three pieces of the local demo (simulated tenant, bot, Agents Playground) and how to
 * tell that each is ready. The launcher and the end-to-end test both use these, so the test exercises the
 * same commands the demo runs.
 */

export const REPO_ROOT = resolve(__dirname, '../..');
export const SIMULATOR_MAIN = join(REPO_ROOT, 'dist/simulator/main.js');
export const BOT_MAIN = join(REPO_ROOT, 'dist/bot/index.js');
/** Where the demo bot keeps its state and audit trail. */
export const DEMO_STATE_FILE = join(REPO_ROOT, 'data/demo.sqlite');
export const PLAYGROUND_CLI = join(REPO_ROOT, 'node_modules/@microsoft/m365agentsplayground/cli.js');
export const PLAYGROUND_CONFIG = join(REPO_ROOT, '.m365agentsplayground.yml');

/** Fixed facts of the demo tenant: the bot's Graph app registration (a fixture, valid only in the simulator). */
export const DEMO_TENANT = {
  tenantId: '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e',
  clientId: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
  clientSecret: 'sim-demo-client-secret',
} as const;

export interface ChildCommand {
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The simulator's announcement (`{"event":"listening",...}`), also written to `<stateDir>/endpoint.json`. */
export interface SimulatorEndpoint {
  url: string;
  port: number;
  tenantId: string;
  caCertPath: string;
  controlKey: string;
}

/** What every child inherits from us: enough to run node, nothing else (no stray Azure or bot settings). */
function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TERM: process.env.TERM };
}

export function simulatorCommand(options: { port: number; stateDir: string }): ChildCommand {
  return {
    args: [SIMULATOR_MAIN, '--port', String(options.port), '--state-dir', options.stateDir],
    env: baseEnv(),
  };
}

/** The endpoint from the simulator's `listening` line, or null for any other line. */
export function parseSimulatorEndpoint(line: string): SimulatorEndpoint | null {
  const record = parseJsonObject(line);
  if (record?.event !== 'listening') return null;
  const { url, port, tenantId, caCertPath, controlKey } = record;
  if (
    typeof url !== 'string' ||
    typeof port !== 'number' ||
    typeof tenantId !== 'string' ||
    typeof caCertPath !== 'string' ||
    typeof controlKey !== 'string'
  ) {
    return null;
  }
  return { url, port, tenantId, caCertPath, controlKey };
}

/** Who resets in the demo: the signed-in agent (the default, as recommended) or the bot's own identity. */
export type DemoResetAs = 'agent' | 'bot';

/** `--reset-as agent|bot` from the demo's command line (default agent); null when malformed. */
export function parseDemoResetAs(args: readonly string[]): DemoResetAs | null {
  const at = args.findIndex((arg) => arg === '--reset-as' || arg.startsWith('--reset-as='));
  if (at === -1) return 'agent';
  const value = args[at]?.includes('=') ? args[at]?.split('=')[1] : args[at + 1];
  return value === 'agent' || value === 'bot' ? value : null;
}

/** The simulated Azure Bot's OAuth connection (simulator/fixture/demoTenant.json, `botRegistration`). */
export const DEMO_OAUTH_CONNECTION = 'GraphConnection';

/** *Protected Accounts* in simulator/fixture/demoTenant.json. */
export const DEMO_PROTECTED_GROUP_ID = 'e1a0c000-0000-4000-8000-000000000007';

/**
 * The bot against the simulated tenant, with Bot Framework authentication off: the Agents Playground sends
 * unauthenticated activities. Never use this environment outside a local demo or test. In agent mode agents
 * sign in through the simulated Bot Framework token service, with the demo tenant's password writeback on.
 */
export function botCommand(options: {
  simulator: SimulatorEndpoint;
  port: number;
  resetAs?: DemoResetAs;
  /** The SQLite store (`DEMO_STATE_FILE` by default; tests give each run its own). */
  stateFile?: string;
}): ChildCommand {
  const agentMode =
    options.resetAs === 'bot'
      ? {}
      : {
          RESET_AS: 'agent',
          OAUTH_CONNECTION_NAME: DEMO_OAUTH_CONNECTION,
          OAuthUrl: `${options.simulator.url}/botframework`,
          PASSWORD_WRITEBACK_ENABLED: 'true',
        };
  return {
    args: [...productionNodeOptions(), BOT_MAIN],
    env: {
      ...baseEnv(),
      NODE_EXTRA_CA_CERTS: options.simulator.caCertPath,
      AZURE_TENANT_ID: DEMO_TENANT.tenantId,
      AZURE_CLIENT_ID: DEMO_TENANT.clientId,
      AZURE_CLIENT_SECRET: DEMO_TENANT.clientSecret,
      AZURE_AUTHORITY_HOST: options.simulator.url,
      GRAPH_BASE_URL: options.simulator.url,
      PORT: String(options.port),
      MicrosoftAppId: '',
      BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
      // The demo tenant's *Protected Accounts* group, which nests *Legal Leadership* (Aoife O'Brien).
      PROTECTED_GROUP_IDS: DEMO_PROTECTED_GROUP_ID,
      // The demo's own store, kept between runs like a deployment's (`npm run audit` reads it with this setting).
      STATE_SQLITE_FILE: options.stateFile ?? DEMO_STATE_FILE,
      ...agentMode,
    },
  };
}

/** The bot's base URL from its pino `listening` line, or null for any other line. */
export function parseBotListening(line: string): string | null {
  const record = parseJsonObject(line);
  if (record?.msg !== 'listening' || typeof record.url !== 'string') return null;
  // A wildcard bind address is reachable on loopback.
  return record.url.replace(/\/\/(0\.0\.0\.0|\[::\])(?=[:/]|$)/, '//127.0.0.1').replace(/\/+$/, '');
}

export function playgroundCommand(options: {
  botEndpoint: string;
  port: number;
  logFile: string;
  configPath?: string;
}): ChildCommand {
  return {
    args: [
      PLAYGROUND_CLI,
      'start',
      '-e',
      options.botEndpoint,
      '-c',
      'msteams',
      '-p',
      String(options.port),
      '--disable-telemetry',
    ],
    env: {
      ...baseEnv(),
      // Without it the Playground tries to open a desktop browser and, on a headless machine, exits with
      // status 1 and no message.
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configPath ?? PLAYGROUND_CONFIG,
      // It records every activity there, temporary passwords included: keep it out of the repository.
      M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile,
    },
  };
}

/** The port from the Playground's `Listening on <port>` line (it picks another when the asked one is taken). */
export function parsePlaygroundPort(line: string): number | null {
  const match = /^Listening on (\d+)\s*$/.exec(line.trim());
  return match === null ? null : Number(match[1]);
}

export function parseJsonObject(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
