import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, mkdir } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  botCommand,
  parseBotListening,
  parseSimulatorEndpoint,
  REPO_ROOT,
  simulatorCommand,
  type DemoResetAs,
  type SimulatorEndpoint,
} from '../../demo/commands';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  launchChromium,
  PlaygroundPage,
  signInOnSimulatedEntraPage,
  startPlayground,
  type RunningPlayground,
} from '../support/playground';
import { freePort, processWarnings, startChild, type ChildHandle } from '../support/processes';

/**
 * The whole demo, as an agent would use it: the simulated tenant, the bot (a child process configured only
 * through its environment, as in production), the Microsoft 365 Agents Playground, and its web UI in
 * headless Chromium. Alex Wilber (Helpdesk Administrator) works in the personal chat with the bot: once with
 * the bot resetting under its own identity (`resetAs: 'bot'`), once as the demo runs by default, where Alex
 * signs in first and the bot resets with his token (`resetAs: 'agent'`).
 */

const MEGAN = {
  id: 'e1a00000-0000-4000-8000-000000000002',
  displayName: 'Megan Bowen',
  upn: 'meganb@contoso.com',
};
/** The agent of the demo: the Playground's `currentUser` (.m365agentsplayground.yml). */
const ALEX = { id: 'e1a00000-0000-4000-8000-000000000001', upn: 'alexw@contoso.com' };
const ADELE = {
  id: 'e1a00000-0000-4000-8000-000000000003',
  displayName: 'Adele Vance',
  upn: 'adelev@contoso.com',
};
const PATTI = { id: 'e1a00000-0000-4000-8000-000000000005', upn: 'pattif@contoso.com' };
const SCREENSHOT = join(REPO_ROOT, 'docs/playground-reset.png');
/** Graph's fixed id of the password authentication method (`…/authentication/methods/{id}/resetPassword`). */
const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

/** Both blocks need headless Chromium; without it they are skipped, and say why. */
function skipWithoutChromium(context: Mocha.Context): void {
  if (chromiumAvailable()) return;
  console.warn(
    `  SKIPPED: the end-to-end test needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium).`,
  );
  context.skip();
}

describe('the demo in the Agents Playground (headless Chromium), resetting as the bot', function () {
  this.timeout(120_000);

  let demo: Demo | undefined;
  let endpoint: SimulatorEndpoint;
  let ui: PlaygroundPage;

  before(async function () {
    skipWithoutChromium(this);
    demo = new Demo();
    ({ endpoint, ui } = await demo.start('bot'));
  });

  after(async function () {
    await demo?.stop();
  });

  it('refuses to reset a Global Administrator, names the role and shows no password', async function () {
    const before = await ui.botMessageCount();

    await ui.sendMessage('reset patti');

    const refusal = await ui.waitForBotMessage(/Global Administrator/, { after: before });
    assert.match(await refusal.innerText(), /Patti Fernandez/);
    const shown = await ui.botMessageTextsAfter(before);
    assert.ok(
      shown.every((text) => !/temporary password for/i.test(text)),
      `no password card: ${JSON.stringify(shown)}`,
    );
    const patches = (await simulatorCalls(endpoint)).filter(
      (call) => call.method === 'PATCH' && new RegExp(`${PATTI.id}|${PATTI.upn}`, 'i').test(call.path),
    );
    assert.deepEqual(patches, [], 'the bot never asked Graph to change her password');
  });

  it('resets Megan after confirmation and the temporary password from the chat signs her in', async function () {
    const before = await ui.botMessageCount();

    await ui.sendMessage('reset password for megan');
    const password = await confirmMeganReset(ui, before);

    await assertPasswordSignsMeganIn(endpoint, password);
    await assertPasswordShownOnceAndNotLogged(ui, before, password, [demo?.bot, demo?.simulator]);

    if (process.env.UPDATE_SCREENSHOT === '1') {
      await mkdir(join(REPO_ROOT, 'docs'), { recursive: true });
      await ui.hideLogPanel();
      await ui.screenshot(SCREENSHOT);
    }
  });

  it('in the Helpdesk channel, asks for the answer with an @mention in the thread, then posts the card without buttons', async function () {
    await ui.openChannel('IT Support', 'Helpdesk');
    const channelBefore = await ui.botMessageCount();

    await ui.postToBotInChannel('reset');
    await ui.waitForBotMessage(/Which user\? Reply in this thread with @Helpdesk Reset and their name/, {
      after: channelBefore,
    });
    // The Playground would deliver an answer without the @mention; Teams would not, so the test @mentions.
    await ui.replyToBotInThread(ADELE.displayName);
    const posted = await ui.waitForCard(/Waiting for Alex Wilber to confirm/, { after: channelBefore });
    const text = await posted.innerText();
    assert.match(text, new RegExp(ADELE.displayName));
    assert.match(text, new RegExp(ADELE.upn));
    assert.deepEqual(await ui.cardActionTitles(posted), [], 'the card as posted has no buttons');
    // In Teams, Alex's client refreshes this card into his buttons (refresh.userIds); the Playground does
    // not run user-specific views and says so in its log. test/e2e/resetOverHttp.test.ts covers the refresh.
    await ui.waitUntil(
      async () => (await ui.page.getByText('User specific view is not supported').count()) > 0,
      'the Playground logs that it does not run user-specific views',
    );
    const patches = (await simulatorCalls(endpoint)).filter(
      (call) => call.method === 'PATCH' && new RegExp(`${ADELE.id}|${ADELE.upn}`, 'i').test(call.path),
    );
    assert.deepEqual(patches, [], 'nothing was reset');
  });

  it(`ran the whole flow on Node ${process.version} without a deprecation or other process warning`, function () {
    assertNoProcessWarnings([demo?.bot, demo?.simulator]);
  });
});

describe('the demo in the Agents Playground (headless Chromium), resetting as the signed-in agent', function () {
  this.timeout(120_000);

  let demo: Demo | undefined;
  let endpoint: SimulatorEndpoint;
  let ui: PlaygroundPage;

  before(async function () {
    skipWithoutChromium(this);
    demo = new Demo();
    // botCommand's default: RESET_AS=agent against the simulated Bot Framework token service.
    ({ endpoint, ui } = await demo.start('agent'));
  });

  after(async function () {
    await demo?.stop();
  });

  it('asks Alex to sign in, takes the code from the sign-in window typed into the chat, then resets Megan as Alex', async function () {
    const before = await ui.botMessageCount();

    await ui.sendMessage('reset password for megan');
    const signInCard = await ui.waitForHeroCard(/Sign in with your work account/, {
      after: before,
      withButton: 'Sign in',
    });
    // "Redeem code" is the Playground's own addition to an OAuth card; the bot sent "Sign in" only.
    assert.ok(
      (await ui.heroCardButtonTitles(signInCard)).includes('Sign in'),
      'the sign-in card offers Sign in',
    );
    assert.deepEqual(
      passwordWrites(await simulatorCalls(endpoint)),
      [],
      'nothing is reset before the sign-in',
    );

    // The Playground opens the card's sign-in link in a new window (window.open); the token service sends it
    // on to the simulated Entra sign-in page.
    const popup = await ui.clickHeroCardButtonForPopup(signInCard, 'Sign in');
    assert.ok(
      popup.url().startsWith(`${endpoint.url}/${endpoint.tenantId}/oauth2/v2.0/authorize?`),
      `the sign-in window shows Entra's sign-in page: ${popup.url()}`,
    );
    const code = await signInOnSimulatedEntraPage(popup, ALEX.upn);
    assert.match(code, /^\d{6}$/, 'the token service shows a six-digit code');
    await popup.close();

    // The Playground sends no signin/verifyState when the window closes: the agent types the code, which
    // the bot's OAuthPrompt redeems before it goes on with the request.
    const afterSignIn = await ui.botMessageCount();
    await ui.sendMessage(code);
    const password = await confirmMeganReset(ui, afterSignIn);

    await assertPasswordSignsMeganIn(endpoint, password);
    await assertPasswordShownOnceAndNotLogged(ui, before, password, [demo?.bot, demo?.simulator]);

    const calls = await simulatorCalls(endpoint);
    const writes = passwordWrites(calls);
    assert.equal(writes.length, 1, `one password change: ${JSON.stringify(writes)}`);
    const [write] = writes;
    assert.equal(write?.method, 'POST', 'through the password method, not the user object');
    assert.match(
      write?.path ?? '',
      new RegExp(
        `/users/(${MEGAN.id}|${escapeRegExp(MEGAN.upn)})/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword$`,
        'i',
      ),
    );
    assert.deepEqual(
      { kind: write?.caller?.kind, objectId: write?.caller?.objectId },
      { kind: 'user', objectId: ALEX.id },
      'made with the token Alex signed in for',
    );
    assert.ok((write?.status ?? 0) < 300, `the change succeeded: ${String(write?.status)}`);
    const userPatches = calls.filter((call) => call.method === 'PATCH' && /\/users\//i.test(call.path));
    assert.deepEqual(userPatches, [], "no PATCH of a user: the bot's own identity changed nothing");
    // The delegated token never reaches the bot's log.
    assert.doesNotMatch(demo?.bot?.output().join('\n') ?? '', /eyJ[\w-]+\.eyJ[\w-]+\./);
  });

  it(`ran the whole flow on Node ${process.version} without a deprecation or other process warning`, function () {
    assertNoProcessWarnings([demo?.bot, demo?.simulator]);
  });
});

/**
 * The simulated tenant, the bot (a child process configured only through its environment, as in production),
 * the Agents Playground and Chromium on its web UI in Alex's personal chat. Stops whatever did start, also
 * when starting failed half-way.
 */
class Demo {
  simulator: ChildHandle | undefined;
  bot: ChildHandle | undefined;
  private workDir: string | undefined;
  private playground: RunningPlayground | undefined;
  private browser: Browser | undefined;

  async start(resetAs: DemoResetAs): Promise<{ endpoint: SimulatorEndpoint; ui: PlaygroundPage }> {
    this.workDir = await mkdtemp(join(tmpdir(), 'helpdesk-reset-e2e-'));

    const simulatorStart = simulatorCommand({ port: 0, stateDir: join(this.workDir, 'sim-state') });
    this.simulator = await startChild('simulator', process.execPath, simulatorStart.args, {
      env: simulatorStart.env,
      readyWhen: (line) => parseSimulatorEndpoint(line) !== null,
      timeoutMs: 60_000,
      cwd: REPO_ROOT,
    });
    const endpoint = parseSimulatorEndpoint(this.simulator.readyLine) as SimulatorEndpoint;

    const botStart = botCommand({
      simulator: endpoint,
      port: await freePort(),
      resetAs,
      // The demo keeps its state in the repository's data/ folder; a test keeps it in its own folder.
      stateFile: join(this.workDir, 'state.sqlite'),
    });
    this.bot = await startChild('bot', process.execPath, botStart.args, {
      env: botStart.env,
      readyWhen: (line) => parseBotListening(line) !== null,
      timeoutMs: 30_000,
      cwd: REPO_ROOT,
    });
    const botUrl = parseBotListening(this.bot.readyLine) ?? '';
    assert.equal((await fetch(`${botUrl}/healthz`)).status, 200, 'the bot answers GET /healthz');

    this.playground = await startPlayground({
      botEndpoint: `${botUrl}/api/messages`,
      logFile: join(this.workDir, 'playground.log'),
    });
    this.browser = await launchChromium();
    // In agent mode the sign-in window shows the simulator's pages, served with a CA made for this run.
    const ui = await PlaygroundPage.open(this.browser, this.playground.url, {
      ignoreHTTPSErrors: resetAs === 'agent',
    });
    await ui.openPersonalChat();
    return { endpoint, ui };
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.playground?.stop();
    await this.bot?.stop();
    await this.simulator?.stop();
    if (this.workDir !== undefined) await rm(this.workDir, { recursive: true, force: true });
  }
}

/**
 * After "reset password for megan" (sent after bot message number `after`): picks Megan Bowen if the bot
 * asks which Megan, confirms, and checks that the confirmation card turns into the outcome. Returns the
 * temporary password the chat shows.
 */
async function confirmMeganReset(ui: PlaygroundPage, after: number): Promise<string> {
  const firstCard = await ui.waitForCard(MEGAN.upn, { after });
  // The tenant also has a Megan Smith, so the bot may first ask which Megan.
  if ((await ui.cardActionTitles(firstCard)).includes('Select')) {
    await ui.clickCardAction(firstCard, 'Select', { near: MEGAN.upn });
  }
  const confirmation = await ui.waitForCard(MEGAN.upn, { after, withAction: 'Reset password' });
  const question = await confirmation.innerText();
  assert.match(question, new RegExp(MEGAN.displayName));
  await ui.clickCardAction(confirmation, 'Reset password');

  const passwordCard = await ui.waitForCard(`Temporary password for ${MEGAN.displayName}`, { after });
  const password = await ui.cardElementText(passwordCard, 'temporaryPassword');
  assert.match(password, /^\S{8,256}$/, 'a password-shaped value');
  await ui.waitUntil(
    async () => (await ui.cardActionTitles(confirmation)).length === 0,
    'the confirmation card turns into an outcome card without buttons',
  );
  // The click is answered with "Resetting…" at once; the outcome replaces it once the reset is done.
  await ui.waitUntil(
    async () => /Password reset for Megan Bowen/.test(await confirmation.innerText()),
    'the confirmation card shows the outcome',
  );
  assert.notEqual(await confirmation.innerText(), question, 'the confirmation card shows the outcome');
  return password;
}

async function assertPasswordSignsMeganIn(endpoint: SimulatorEndpoint, password: string): Promise<void> {
  const signIn = await simulatorSignIn(endpoint, MEGAN.upn, password);
  assert.deepEqual(
    { signedIn: signIn.signedIn, passwordChangeRequired: signIn.passwordChangeRequired },
    { signedIn: true, passwordChangeRequired: true },
    `sign-in with the password from the chat: ${JSON.stringify(signIn)}`,
  );
}

/** The password is on the password card (among the bot messages after `after`) and in no process output. */
async function assertPasswordShownOnceAndNotLogged(
  ui: PlaygroundPage,
  after: number,
  password: string,
  children: Array<ChildHandle | undefined>,
): Promise<void> {
  const inChat = (await ui.botMessageTextsAfter(after)).filter((text) => text.includes(password));
  assert.equal(inChat.length, 1, 'the password appears once, on the password card');
  for (const child of children) {
    const leaks = (child?.output() ?? []).filter((line) => line.includes(password));
    assert.deepEqual(leaks, [], `the ${child?.name ?? ''} output never holds the temporary password`);
  }
}

function assertNoProcessWarnings(children: Array<ChildHandle | undefined>): void {
  for (const child of children) {
    assert.deepEqual(processWarnings(child?.output() ?? []), [], `the ${child?.name ?? ''} printed warnings`);
  }
}

/** One entry of the simulator's call log (simulator/control/callLog.ts), as far as these tests read it. */
interface SimulatorCall {
  method: string;
  path: string;
  caller: { kind: string; objectId: string } | null;
  status: number;
}

/** Calls that change a password: an app-only PATCH of a user, or a delegated resetPassword. */
function passwordWrites(calls: SimulatorCall[]): SimulatorCall[] {
  return calls.filter(
    (call) =>
      (call.method === 'PATCH' && /\/users\/[^/]+$/i.test(call.path)) || /\/resetPassword$/i.test(call.path),
  );
}

async function simulatorSignIn(
  endpoint: SimulatorEndpoint,
  userPrincipalName: string,
  password: string,
): Promise<SignInAnswer> {
  const answer = await simulatorControl(endpoint, 'POST', '/_sim/signin', { userPrincipalName, password });
  assert.ok(isSignInAnswer(answer), `a sign-in answer: ${JSON.stringify(answer)}`);
  return answer;
}

/** `GET /_sim/calls` answers `{ value: RecordedCall[] }`. */
async function simulatorCalls(endpoint: SimulatorEndpoint): Promise<SimulatorCall[]> {
  const answer = (await simulatorControl(endpoint, 'GET', '/_sim/calls')) as { value?: unknown } | null;
  const calls = answer?.value;
  assert.ok(Array.isArray(calls), 'GET /_sim/calls answers { value: [...] }');
  // Every entry, not a filter: a call left out for its shape would slip past the "no PATCH" checks.
  const malformed = calls.filter((call) => !isSimulatorCall(call));
  assert.deepEqual(malformed, [], 'every call log entry has method, path, caller and status');
  return calls.filter(isSimulatorCall);
}

function isSimulatorCall(value: unknown): value is SimulatorCall {
  const call = value as Partial<Record<keyof SimulatorCall, unknown>> | null;
  const caller = call?.caller as Partial<Record<'kind' | 'objectId', unknown>> | null | undefined;
  return (
    typeof call?.method === 'string' &&
    typeof call.path === 'string' &&
    typeof call.status === 'number' &&
    (caller === null || (typeof caller?.kind === 'string' && typeof caller.objectId === 'string'))
  );
}

/** The simulator's control API over HTTPS, trusting its own CA for this request only. */
async function simulatorControl(
  endpoint: SimulatorEndpoint,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const ca = await readFile(endpoint.caCertPath);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL(path, endpoint.url),
      {
        method,
        ca,
        headers: {
          'x-sim-control-key': endpoint.controlKey,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((response.statusCode ?? 0) >= 300) {
            reject(new Error(`${method} ${path} answered ${String(response.statusCode)}: ${text}`));
            return;
          }
          try {
            resolve(text === '' ? null : JSON.parse(text));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

interface SignInAnswer {
  signedIn: boolean;
  passwordChangeRequired: boolean;
  mfaRequired: boolean;
  error?: string;
}

function isSignInAnswer(value: unknown): value is SignInAnswer {
  const answer = value as Partial<SignInAnswer> | null;
  return typeof answer?.signedIn === 'boolean' && typeof answer.passwordChangeRequired === 'boolean';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
