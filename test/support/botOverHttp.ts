import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Activity } from 'botbuilder';
import { createBotApp, type BotApp } from '../../bot/app';
import { loadConfig, loadStoreConfig } from '../../bot/config';
import { openStateStore } from '../../bot/stateStores';
import type { StateStore } from '../../storage/stateStore';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { BotProcess } from './botProcess';
import { LogCapture } from './logCapture';
import { simulatorControl } from './simulatorControl';
import { type ConnectorCall, type LoopbackConnector, startLoopbackConnector } from './loopbackConnector';
import { executeActionsOf } from './teamsActivities';

export const TENANT_ID = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';
export const ALEX = {
  id: '29:alex',
  name: 'Alex Wilber',
  aadObjectId: 'e1a00000-0000-4000-8000-000000000001',
};
export const MEGAN_ID = 'e1a00000-0000-4000-8000-000000000002';
export const BOT = { id: '28:helpdesk-reset', name: 'Helpdesk Reset' };
export const CHANNEL_THREAD = '19:helpdesk@thread.tacv2;messageid=1700000000000';
export const PERSONAL_CHAT = 'a:alex-personal';
/** The id of the card a click comes from (its `replyToId`). */
export const CARD_ID = 'activity-card';
/** How long a click's answer leads the card's replacement here (the bot's default is 1 s). */
const LOOPBACK_ANSWER_LEAD_MS = 50;

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** Milliseconds from sending the activity to the HTTP answer. */
  tookMs: number;
}

/**
 * How the bot runs: in this process (`createBotApp`, what most suites drive), or as a process of its own
 * (`node dist/bot/index.js`, for what needs one: a SIGTERM, a restart), started with `environment`.
 */
type Running =
  | { kind: 'in-process'; app: BotApp; botUrl: string }
  | { kind: 'process'; process: BotProcess; environment: Record<string, string> };

/**
 * The real server (CloudAdapter, restify, Graph client, @azure/identity) against the simulated tenant, with a
 * loopback Bot Connector recording everything the bot posts: what end-to-end tests drive, over HTTP.
 */
export class BotOverHttp {
  private activityCounter = 0;
  private inspector: StateStore | undefined;

  private constructor(
    readonly simulator: RunningSimulator,
    readonly connector: LoopbackConnector,
    /** What the bot logged: in process mode, every line of every process started, in order. */
    readonly logs: LogCapture,
    /** The settings of the store every instance uses (`STATE_*`): a SQLite file in a folder of its own by default. */
    readonly storeEnvironment: Record<string, string>,
    private running: Running,
    /** A second instance shares the simulator, connector and store of the first, which closes them. */
    private readonly ownsServices = true,
  ) {}

  /** The bot running in this process; a test of a bot process drives it over HTTP and by signals only. */
  get app(): BotApp {
    assert.ok(this.running.kind === 'in-process', 'the bot runs as a process of its own: see `process`');
    return this.running.app;
  }

  /** The bot running as a process of its own (`startProcess`). */
  get process(): BotProcess {
    assert.ok(this.running.kind === 'process', 'the bot runs in this process: see `app`');
    return this.running.process;
  }

  get botUrl(): string {
    return this.running.kind === 'in-process' ? this.running.botUrl : this.running.process.url;
  }

  /**
   * `environment` adds to (or overrides) the bot's test configuration; a function of the simulator when a
   * setting names it (the token service URL).
   */
  static async start(
    environment: Record<string, string> | ((simulator: RunningSimulator) => Record<string, string>) = {},
  ): Promise<BotOverHttp> {
    const { simulator, connector, given, storeEnvironment } = await BotOverHttp.startServices(environment);
    const { logs, app, botUrl } = await BotOverHttp.startApp(simulator, { ...given, ...storeEnvironment });
    return new BotOverHttp(simulator, connector, logs, storeEnvironment, { kind: 'in-process', app, botUrl });
  }

  /** What every bot of a test runs against: the simulated tenant, a loopback connector, and its store settings. */
  private static async startServices(
    environment: Record<string, string> | ((simulator: RunningSimulator) => Record<string, string>),
  ): Promise<{
    simulator: RunningSimulator;
    connector: LoopbackConnector;
    given: Record<string, string>;
    storeEnvironment: Record<string, string>;
  }> {
    const simulator = await startSimulator({ port: 0 });
    const connector = await startLoopbackConnector();
    const given = typeof environment === 'function' ? environment(simulator) : environment;
    return { simulator, connector, given, storeEnvironment: storeSettingsOf(given) };
  }

  /**
   * The bot as production runs it, `node dist/bot/index.js` (what `npm start` runs), with the test
   * configuration of `start` in its environment, in the store's folder as its working directory (so that it
   * writes nothing into the repository and reads no `.env`). Its log lines go to `logs`.
   */
  static async startProcess(
    environment: Record<string, string> | ((simulator: RunningSimulator) => Record<string, string>) = {},
  ): Promise<BotOverHttp> {
    const { simulator, connector, given, storeEnvironment } = await BotOverHttp.startServices(environment);
    const processEnvironment = {
      ...testConfiguration(simulator),
      // The simulator's certificate authority: Node reads NODE_EXTRA_CA_CERTS at start only.
      NODE_EXTRA_CA_CERTS: simulator.caCertPath,
      PORT: '0',
      ...given,
      ...storeEnvironment,
    };
    const logs = new LogCapture();
    const running = await BotOverHttp.startBotProcess(processEnvironment, storeEnvironment, logs);
    return new BotOverHttp(simulator, connector, logs, storeEnvironment, running);
  }

  /**
   * Stops the bot process (SIGTERM) and starts a new one with the same environment, on the same store,
   * tenant and connector: a deployment. Resolves with the old process's exit code.
   */
  async restart(): Promise<number | null> {
    const environment = this.runningProcess().environment;
    const code = await this.process.stop();
    this.running = await BotOverHttp.startBotProcess(environment, this.storeEnvironment, this.logs);
    return code;
  }

  /** Starts a new bot process (after the last one was stopped) with the same environment and store. */
  async startAgain(): Promise<void> {
    this.running = await BotOverHttp.startBotProcess(
      this.runningProcess().environment,
      this.storeEnvironment,
      this.logs,
    );
  }

  private runningProcess(): Extract<Running, { kind: 'process' }> {
    assert.ok(this.running.kind === 'process', 'only a bot process restarts');
    return this.running;
  }

  private static async startBotProcess(
    environment: Record<string, string>,
    storeEnvironment: Record<string, string>,
    logs: LogCapture,
  ): Promise<Running> {
    const child = await BotProcess.start({
      env: environment,
      cwd: workingFolderOf(storeEnvironment),
      onLine: (line) => logs.write(`${line}\n`),
    });
    return { kind: 'process', process: child, environment };
  }

  /**
   * Another instance of the bot over the same tenant, connector and store, with its own Graph client (and so an
   * empty token cache) and its own connection to the store: as after a restart, or on a second instance behind
   * a load balancer.
   */
  async secondInstance(environment: Record<string, string> = {}): Promise<BotOverHttp> {
    const { logs, app, botUrl } = await BotOverHttp.startApp(this.simulator, {
      ...environment,
      ...this.storeEnvironment,
    });
    return new BotOverHttp(
      this.simulator,
      this.connector,
      logs,
      this.storeEnvironment,
      { kind: 'in-process', app, botUrl },
      false,
    );
  }

  /** The instances' store, opened on its own as another process would, for a test to look into (or tamper with). */
  store(): StateStore {
    this.inspector ??= openStateStore(loadStoreConfig(this.storeEnvironment), () => {
      throw new Error('the test store is reached without a credential');
    });
    return this.inspector;
  }

  /** Every byte the SQLite store has on disk (its file and write-ahead log), for scans for secrets. */
  storedBytes(): string {
    const file = this.storeEnvironment.STATE_SQLITE_FILE;
    assert.ok(file, 'the bytes of a SQLite store only');
    return [file, `${file}-wal`, `${file}-shm`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('\n');
  }

  private static async startApp(
    simulator: RunningSimulator,
    environment: Record<string, string>,
  ): Promise<{ logs: LogCapture; app: BotApp; botUrl: string }> {
    const logs = new LogCapture();
    const config = loadConfig({ ...testConfiguration(simulator), ...environment });
    // The loopback connector answers at once: no need to give a click's answer a Teams client's second.
    const app = createBotApp(config, { logDestination: logs, answerLeadMs: LOOPBACK_ANSWER_LEAD_MS });
    const botUrl = await app.listen(0);
    return { logs, app, botUrl };
  }

  async close(): Promise<void> {
    if (this.running.kind === 'in-process') await this.running.app.close();
    // A bot process a test left running (or failed to stop) is ended however it can be.
    else await this.running.process.kill();
    await this.inspector?.close();
    if (!this.ownsServices) return;
    await this.connector.close();
    await this.simulator.close();
    const file = this.storeEnvironment.STATE_SQLITE_FILE;
    if (file?.startsWith(tmpdir())) rmSync(join(file, '..'), { recursive: true, force: true });
  }

  /** Between tests: the work of the last one finished, the tenant, the connector and its faults as new. */
  async reset(): Promise<void> {
    if (this.running.kind === 'in-process') await this.running.app.idle();
    this.connector.calls.splice(0);
    this.connector.clearFaults();
    await this.simulatorControl('POST', '/_sim/reset');
  }

  simulatorControl(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return simulatorControl(this.simulator, method, path, body);
  }

  /** Graph's password changes so far. */
  async passwordChanges(): Promise<number> {
    const { value } = (await this.simulatorControl('GET', '/_sim/calls')) as {
      value: Array<{ method: string; path: string }>;
    };
    return value.filter((call) => call.method === 'PATCH' && /\/users\//.test(call.path)).length;
  }

  /** A message from Alex in his 1:1 chat with the bot, as Teams delivers it. */
  personal(text: string, from: Partial<Activity['from']> = ALEX): Partial<Activity> {
    return this.fromAlex({
      from: from as Activity['from'],
      conversation: {
        id: PERSONAL_CHAT,
        conversationType: 'personal',
        isGroup: false,
        tenantId: TENANT_ID,
        name: '',
      },
      channelData: { tenant: { id: TENANT_ID } },
      text,
    });
  }

  /** Alex (or `from`) @mentions the bot in the Helpdesk channel. */
  inChannel(text: string, from: Partial<Activity['from']> = ALEX): Partial<Activity> {
    const mention = `<at>${BOT.name}</at>`;
    return this.fromAlex({
      from: from as Activity['from'],
      conversation: {
        id: CHANNEL_THREAD,
        conversationType: 'channel',
        isGroup: true,
        tenantId: TENANT_ID,
        name: '',
      },
      channelData: {
        tenant: { id: TENANT_ID },
        team: { id: '19:team@thread.tacv2' },
        channel: { id: '19:helpdesk@thread.tacv2' },
      },
      entities: [{ type: 'mention', text: mention, mentioned: BOT }],
      text: `${mention} ${text}`,
    });
  }

  async post(activity: Partial<Activity>, timeoutMs = 30_000): Promise<HttpAnswer> {
    const started = Date.now();
    const response = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      tookMs: Date.now() - started,
    };
  }

  /** A click on a card button (`Action.Execute`), from where `from` was said. */
  click(
    from: Partial<Activity>,
    verb: string,
    data: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<HttpAnswer> {
    return this.post(
      {
        ...from,
        type: 'invoke',
        id: `invoke-${++this.activityCounter}`,
        name: 'adaptiveCard/action',
        text: undefined,
        entities: undefined,
        replyToId: CARD_ID,
        value: { action: { type: 'Action.Execute', id: 'a', verb, data }, trigger: 'manual' },
      },
      timeoutMs,
    );
  }

  /** Sends the request and returns the first card the bot answered with (a confirmation or a refusal). */
  async firstCardFor(message: Partial<Activity>): Promise<unknown> {
    const already = this.connector.calls.length;
    const { status } = await this.post(message);
    assert.equal(status, 200);
    const call = await this.connector.waitFor(
      (candidate) =>
        this.connector.calls.indexOf(candidate) >= already &&
        candidate.operation !== 'createConversation' &&
        cardIn(candidate) !== undefined,
    );
    return cardIn(call);
  }

  /** The reset id on Megan's confirmation card (the request names her exactly). */
  async confirmationFor(message: Partial<Activity>): Promise<string> {
    const card = await this.asSeenBy(message, await this.firstCardFor(message));
    const confirm = executeActionsOf(card).find((action) => action.verb === 'confirmReset');
    assert.ok(confirm, `expected a confirmation card: ${JSON.stringify(card)}`);
    return String(confirm.data?.resetId);
  }

  /**
   * A card as its sender's Teams client shows it: a card with a user-specific view (Universal Actions
   * `refresh.userIds`) is refreshed automatically for the users it names; everyone else sees it as posted.
   */
  async asSeenBy(viewer: Partial<Activity>, card: unknown): Promise<unknown> {
    const refresh = (card as { refresh?: { action?: { verb?: unknown; data?: unknown }; userIds?: unknown } })
      ?.refresh;
    const viewerId = viewer.from?.id;
    if (!refresh || !Array.isArray(refresh.userIds) || !refresh.userIds.includes(viewerId)) return card;
    const answer = await this.click(
      viewer,
      String(refresh.action?.verb),
      (refresh.action?.data ?? {}) as Record<string, unknown>,
    );
    assert.equal(answer.status, 200);
    return (answer.body as { value?: unknown }).value;
  }

  /** The card that replaced the clicked one (the click was answered with "Resetting…"). */
  async outcomeCard(withinMs = 25_000): Promise<string> {
    const update = await this.connector.waitFor(
      (call) => call.operation === 'updateActivity' && call.activity?.id === CARD_ID,
      withinMs,
    );
    return JSON.stringify(cardIn(update));
  }

  /** Finds the password the way a person would prove it: it is the string in `call` that signs Megan in. */
  async passwordThatSignsIn(call: ConnectorCall): Promise<string | undefined> {
    for (const candidate of new Set(stringsOf(call.activity).map((text) => text.trim()))) {
      if (candidate.length < 8 || candidate.length > 64 || /\s/.test(candidate)) continue;
      const result = await this.simulatorControl('POST', '/_sim/signin', {
        userPrincipalName: 'meganb@contoso.com',
        password: candidate,
      });
      if (result.signedIn === true) return candidate;
    }
    return undefined;
  }

  private fromAlex(
    fields: Pick<Activity, 'conversation' | 'channelData' | 'text'> & Partial<Activity>,
  ): Partial<Activity> {
    return {
      type: 'message',
      id: `message-${++this.activityCounter}`,
      channelId: 'msteams',
      serviceUrl: this.connector.serviceUrl,
      from: ALEX,
      recipient: BOT,
      ...fields,
    };
  }
}

/** The bot's configuration against the simulated tenant, with the dangerous switch (the connector is local). */
export function testConfiguration(simulator: RunningSimulator): Record<string, string> {
  return {
    AZURE_TENANT_ID: TENANT_ID,
    AZURE_CLIENT_ID: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
    AZURE_CLIENT_SECRET: 'sim-demo-client-secret',
    AZURE_AUTHORITY_HOST: simulator.url,
    GRAPH_BASE_URL: simulator.url,
    BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
    LOG_LEVEL: 'debug',
    // Tests of everything else reset Megan many times in one bot: limits off unless a test sets them
    // (test/e2e/abuseControls.test.ts).
    RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR: '0',
    RATE_LIMIT_RESETS_PER_TARGET_PER_DAY: '0',
  };
}

/** A bot process's working directory: the SQLite store's folder, else a temporary one. */
function workingFolderOf(storeEnvironment: Record<string, string>): string {
  const file = storeEnvironment.STATE_SQLITE_FILE;
  return file ? dirname(file) : tmpdir();
}

export function cardIn(call: ConnectorCall): unknown {
  return call.activity?.attachments?.[0]?.content;
}

/** Every string in a value; a temporary password is one of them. */
export function stringsOf(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(stringsOf);
  if (node && typeof node === 'object') return Object.values(node).flatMap(stringsOf);
  return [];
}

/**
 * The store settings a test gave (`STATE_*`, `AUDIT_*`), else the production default, SQLite, in a new folder of
 * its own, so that instances started from one `BotOverHttp` share it and no two tests do.
 */
function storeSettingsOf(environment: Record<string, string>): Record<string, string> {
  const given = Object.fromEntries(
    Object.entries(environment).filter(([name]) => name.startsWith('STATE_') || name.startsWith('AUDIT_')),
  );
  if (given.STATE_STORE === 'blob' || given.STATE_SQLITE_FILE !== undefined) return given;
  const folder = mkdtempSync(join(tmpdir(), 'helpdesk-reset-e2e-'));
  return { ...given, STATE_SQLITE_FILE: join(folder, 'state.sqlite') };
}
