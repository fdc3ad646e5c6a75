import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExit, startChild, type ChildHandle } from './children';
import {
  BOT_MAIN,
  botCommand,
  parseBotListening,
  parseDemoResetAs,
  type DemoResetAs,
  parsePlaygroundPort,
  parseSimulatorEndpoint,
  playgroundCommand,
  REPO_ROOT,
  SIMULATOR_MAIN,
  simulatorCommand,
  type ChildCommand,
} from './commands';
import { prefixLine } from './logFormat';

/**
 * `npm run demo`: the simulated tenant, the bot and the Microsoft 365 Agents Playground, wired together on
 * this machine. Ctrl-C stops all three; if one of them dies, the others are stopped too.
 */

const BOT_PORT = 3978;
const PLAYGROUND_PORT = 56150;

const running: ChildHandle[] = [];
let stopping = false;

async function main(): Promise<void> {
  const resetAs = parseDemoResetAs(process.argv.slice(2));
  if (resetAs === null) throw new Error('usage: npm run demo [-- --reset-as agent|bot]');
  for (const file of [SIMULATOR_MAIN, BOT_MAIN]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run "npm run build" first (npm run demo does).`);
  }
  // The Playground logs every activity, temporary passwords included, so its log lives only as long as the demo.
  const scratch = await mkdtemp(join(tmpdir(), 'helpdesk-reset-demo-'));
  onStop(() => rm(scratch, { recursive: true, force: true }));

  const simulator = await start(
    'simulator',
    simulatorCommand({ port: 0, stateDir: '.sim-state' }),
    (line) => parseSimulatorEndpoint(line) !== null,
    60_000,
  );
  const endpoint = parseSimulatorEndpoint(simulator.readyLine);
  if (endpoint === null) throw new Error('the simulator did not say where it listens');

  const bot = await start(
    'bot',
    botCommand({ simulator: endpoint, port: BOT_PORT, resetAs }),
    (line) => parseBotListening(line) !== null,
    30_000,
  );
  const botUrl = parseBotListening(bot.readyLine) ?? `http://127.0.0.1:${BOT_PORT}`;
  await expectHealthy(botUrl);

  const playground = await start(
    'playground',
    playgroundCommand({
      botEndpoint: `${botUrl}/api/messages`,
      port: PLAYGROUND_PORT,
      logFile: join(scratch, 'playground.log'),
    }),
    (line) => parsePlaygroundPort(line) !== null,
    30_000,
  );
  const playgroundUrl = `http://localhost:${parsePlaygroundPort(playground.readyLine) ?? PLAYGROUND_PORT}`;

  printWelcome(playgroundUrl, endpoint.url, resetAs);
  await watchForDeath();
}

async function start(
  name: string,
  command: ChildCommand,
  readyWhen: (line: string) => boolean,
  timeoutMs: number,
): Promise<ChildHandle> {
  process.stdout.write(`Starting the ${name}...\n`);
  const child = await startChild(name, process.execPath, command.args, {
    env: command.env,
    readyWhen,
    timeoutMs,
    cwd: REPO_ROOT,
    onLine: (line, stream) =>
      (stream === 'stderr' ? process.stderr : process.stdout).write(`${prefixLine(name, line)}\n`),
  });
  running.push(child);
  return child;
}

async function expectHealthy(botUrl: string): Promise<void> {
  const response = await fetch(`${botUrl}/healthz`).catch((error: unknown) => {
    throw new Error(
      `GET ${botUrl}/healthz failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  if (response.status !== 200) throw new Error(`GET ${botUrl}/healthz answered ${response.status}`);
}

/** Resolves never; when any child exits on its own, says which and stops the rest. */
async function watchForDeath(): Promise<void> {
  const first = await Promise.race(running.map(async (child) => ({ child, exit: await child.exited })));
  if (stopping) return;
  process.stderr.write(
    `\nThe ${first.child.name} stopped (${describeExit(first.exit)}); stopping the others.\n`,
  );
  await stopAll(1);
}

const cleanups: Array<() => Promise<void>> = [];
function onStop(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

async function stopAll(exitCode: number): Promise<never> {
  stopping = true;
  // Reverse order: the Playground goes before the bot it talks to, the bot before its tenant.
  for (const child of [...running].reverse()) await child.stop();
  for (const cleanup of cleanups) await cleanup();
  process.exit(exitCode);
}

function printWelcome(playgroundUrl: string, simulatorUrl: string, resetAs: DemoResetAs): void {
  const signIn =
    resetAs === 'agent'
      ? [
          '  Resets are made as you (RESET_AS=agent; "npm run demo -- --reset-as bot" for the bot\'s own identity).',
          "  The first request shows a Sign in card: click Sign In, accept the browser's warning about the",
          `  simulator's local certificate (or trust .sim-state/ca.pem), sign in as alexw@contoso.com with`,
          '  Sim-Initial-7f3Q!, then type the 6-digit code the page shows into the chat (or use "Redeem code").',
          '  The Playground cannot do Teams single sign-on. "sign out" forgets your sign-in.',
          '',
        ]
      : ["  Resets are made with the bot's own identity (RESET_AS=bot).", ''];
  process.stdout.write(
    [
      '',
      '  Helpdesk Reset is running against the simulated Contoso tenant.',
      '',
      `  Open the Agents Playground:  ${playgroundUrl}`,
      `  (simulated tenant at ${simulatorUrl}; you are Alex Wilber, Helpdesk Administrator)`,
      '',
      ...signIn,
      '  Things to try in "Personal Chat":',
      '    reset password for megan   pick Megan Bowen (there is a Megan Smith too), confirm, and her',
      '                               temporary password arrives on a card in this chat',
      '    reset patti                refused: Patti Fernandez is a Global Administrator',
      '    reset, then meg            the bot asks who first',
      '    help',
      '  In the "Helpdesk" channel of IT Support, @mention Helpdesk Reset: the password still arrives only in',
      '  your personal chat.',
      '',
      '  Reloading the Playground page clears its chat history. Press Ctrl-C to stop everything.',
      '',
      '',
    ].join('\n'),
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      // Impatient second Ctrl-C: exiting kills the children's process groups outright (demo/children.ts).
      process.stderr.write('Killing whatever is still running.\n');
      process.exit(130);
    }
    process.stdout.write('\nStopping the playground, the bot and the simulator...\n');
    void stopAll(0);
  });
}

main().catch(async (error: unknown) => {
  process.stderr.write(
    `\nThe demo could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  await stopAll(1);
});
