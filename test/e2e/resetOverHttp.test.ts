import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { createBotApp, type BotApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { LogCapture } from '../support/logCapture';
import {
  type ConnectorCall,
  type LoopbackConnector,
  startLoopbackConnector,
} from '../support/loopbackConnector';
import type { AdaptiveCardJson } from '../../cards';
import { validateCard } from '../../cards/validateCard';
import {
  automaticRefreshFor,
  executeActionsOf,
  manualRefreshOf,
  teamsDelivers,
} from '../support/teamsActivities';
import { simulatorControl } from '../support/simulatorControl';

const TENANT_ID = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';
const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: 'e1a00000-0000-4000-8000-000000000001' };
const LYNNE = { id: '29:lynne', name: 'Lynne Robbins', aadObjectId: 'e1a00000-0000-4000-8000-000000000006' };
const MEGAN_ID = 'e1a00000-0000-4000-8000-000000000002';
const BOT = { id: '28:helpdesk-reset', name: 'Helpdesk Reset' };

/**
 * The real server (CloudAdapter, restify, Graph client, @azure/identity) against the simulated tenant,
 * with a loopback Bot Connector recording everything the bot posts.
 */
describe('end to end over HTTP: the bot, the simulated tenant and a loopback connector', function () {
  this.timeout(60_000);

  let simulator: RunningSimulator;
  let connector: LoopbackConnector;
  let logs: LogCapture;
  let stateFolder: string;
  let stateFile: string;
  let app: BotApp;
  let botUrl: string;
  let activityCounter = 0;

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    connector = await startLoopbackConnector();
    logs = new LogCapture();
    stateFolder = mkdtempSync(join(tmpdir(), 'helpdesk-reset-e2e-'));
    stateFile = join(stateFolder, 'state.sqlite');
    const config = loadConfig({
      AZURE_TENANT_ID: TENANT_ID,
      AZURE_CLIENT_ID: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
      AZURE_CLIENT_SECRET: 'sim-demo-client-secret',
      AZURE_AUTHORITY_HOST: simulator.url,
      GRAPH_BASE_URL: simulator.url,
      BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
      GRAPH_TIMEOUT_SECONDS: '1',
      LOG_LEVEL: 'debug',
      // This suite resets Megan many times in one bot; test/e2e/abuseControls.test.ts tests the limits.
      RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR: '0',
      RATE_LIMIT_RESETS_PER_TARGET_PER_DAY: '0',
      STATE_SQLITE_FILE: stateFile,
    });
    // The loopback connector answers at once: no need to give the click's answer a Teams client's second.
    app = createBotApp(config, { logDestination: logs, answerLeadMs: 50 });
    botUrl = await app.listen(0);
  });

  after(async () => {
    await app?.close();
    await connector?.close();
    await simulator?.close();
    rmSync(stateFolder, { recursive: true, force: true });
  });

  beforeEach(async () => {
    connector.calls.splice(0);
    connector.clearFaults();
    await control('POST', '/_sim/reset');
  });

  // A reset finishes after its click is answered: let it end before the next test looks at the connector.
  afterEach(async () => {
    await app.idle();
    // Every card the bot posted or updated must render in Teams (schema 1.5, under budget).
    for (const call of connector.calls) {
      const card = cardIn(call);
      if (card !== undefined) assert.deepEqual(validateCard(card as AdaptiveCardJson), [], call.operation);
    }
  });

  const control = (method: string, path: string, body?: unknown) =>
    simulatorControl(simulator, method, path, body);

  /** A message from Alex, as Teams delivers it through the connector at `serviceUrl`. */
  function fromAlex(
    fields: Pick<Activity, 'conversation' | 'channelData' | 'text'> & Partial<Activity>,
  ): Partial<Activity> {
    return {
      type: 'message',
      id: `message-${++activityCounter}`,
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      from: ALEX,
      recipient: BOT,
      ...fields,
    };
  }

  function personal(text: string): Partial<Activity> {
    return fromAlex({
      conversation: {
        id: 'a:alex-personal',
        conversationType: 'personal',
        isGroup: false,
        tenantId: TENANT_ID,
        name: '',
      },
      channelData: { tenant: { id: TENANT_ID } },
      text,
    });
  }

  type Where = Pick<Activity, 'conversation' | 'channelData'>;
  const CHANNEL_THREAD: Where = {
    conversation: {
      id: '19:helpdesk@thread.tacv2;messageid=1700000000000',
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
  };
  const GROUP_CHAT: Where = {
    conversation: {
      id: '19:helpdesk-chat@thread.v2',
      conversationType: 'groupChat',
      isGroup: true,
      tenantId: TENANT_ID,
      name: '',
    },
    channelData: { tenant: { id: TENANT_ID } },
  };

  /** A message in a channel thread (or group chat) as Teams delivers it: @mentioning the bot. */
  function inChannel(text: string, where: Where = CHANNEL_THREAD): Partial<Activity> {
    const mention = `<at>${BOT.name}</at>`;
    return fromAlex({
      ...where,
      entities: [{ type: 'mention', text: mention, mentioned: BOT }],
      text: `${mention} ${text}`,
    });
  }

  /** What Teams would not deliver: a channel or group-chat message that does not @mention the bot. */
  function inChannelWithoutMention(text: string, where: Where = CHANNEL_THREAD): Partial<Activity> {
    return fromAlex({ ...where, text });
  }

  /** Posts to the bot what Teams would post; anything Teams would not deliver is a mistake in the test. */
  async function post(activity: Partial<Activity>): Promise<{ status: number; body: unknown }> {
    assert.ok(teamsDelivers(activity, BOT.id), 'Teams would not deliver this activity to the bot');
    const response = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  function click(
    from: Partial<Activity>,
    verb: string,
    data: Record<string, unknown>,
    trigger: 'manual' | 'automatic' = 'manual',
  ): Promise<{ status: number; body: unknown }> {
    return post({
      ...from,
      type: 'invoke',
      id: `invoke-${++activityCounter}`,
      name: 'adaptiveCard/action',
      text: undefined,
      entities: undefined,
      replyToId: 'activity-card',
      value: { action: { type: 'Action.Execute', id: 'a', verb, data }, trigger },
    });
  }

  /**
   * A card as one person's Teams client shows it: a card with a `refresh` naming their Teams id is
   * refreshed automatically (Teams, "User Specific Views"), the card as posted otherwise.
   */
  async function cardAsSeenBy(
    viewer: Partial<Activity>,
    card: unknown,
    trigger: 'manual' | 'automatic' = 'automatic',
  ): Promise<unknown> {
    const refresh =
      trigger === 'automatic' ? automaticRefreshFor(card, String(viewer.from?.id)) : manualRefreshOf(card);
    if (refresh === undefined) return card;
    const refreshed = await click(viewer, refresh.verb, refresh.data, trigger);
    assert.equal(refreshed.status, 200);
    const body = refreshed.body as { type: string; value: unknown };
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.deepEqual(validateCard(body.value as AdaptiveCardJson), []);
    return body.value;
  }

  /** The buttons a card offers its viewer (its refresh action is not one). */
  function buttonsOf(card: unknown): string[] {
    const rest = { ...(card as Record<string, unknown>), refresh: undefined };
    return executeActionsOf(rest).map((action) => String(action.verb));
  }

  function cardIn(call: ConnectorCall): unknown {
    return call.activity?.attachments?.[0]?.content;
  }

  /** The card that replaced the clicked one (the click was answered with "Resetting…"). */
  async function outcomeCard(within = 15_000): Promise<string> {
    // Picking a user updates the card too (into the confirmation); the outcome is the update without buttons.
    const update = await connector.waitFor(
      (call) =>
        call.operation === 'updateActivity' &&
        call.activity?.id === 'activity-card' &&
        executeActionsOf(cardIn(call)).length === 0,
      within,
    );
    return JSON.stringify(cardIn(update));
  }

  /** Sends the request and, through the picker when several people match, returns Megan's confirmation card. */
  async function confirmationCardFor(
    message: Partial<Activity>,
  ): Promise<{ resetId: string; card: unknown }> {
    const { status } = await post(message);
    assert.equal(status, 200);
    const call = await connector.waitFor((candidate) =>
      executeActionsOf(cardIn(candidate)).some((action) =>
        ['confirmReset', 'selectUser', 'refreshCard'].includes(String(action.verb)),
      ),
    );
    let card = await cardAsSeenBy(message, cardIn(call));
    const pick = executeActionsOf(card).find(
      (action) => action.verb === 'selectUser' && action.data?.userId === MEGAN_ID,
    );
    if (pick) {
      const picked = await click(message, 'selectUser', pick.data ?? {});
      assert.equal(picked.status, 200);
      card = (picked.body as { value: unknown }).value;
    }
    const confirm = executeActionsOf(card).find((action) => action.verb === 'confirmReset');
    assert.ok(confirm, 'expected a confirmation card');
    return { resetId: String(confirm.data?.resetId), card };
  }

  /** Every string in a card; the temporary password is one of them. */
  function stringsOf(node: unknown): string[] {
    if (typeof node === 'string') return [node];
    if (Array.isArray(node)) return node.flatMap(stringsOf);
    if (node && typeof node === 'object') return Object.values(node).flatMap(stringsOf);
    return [];
  }

  /** Finds the password the way a person would prove it: it is the string that signs Megan in. */
  async function passwordThatSignsIn(
    call: ConnectorCall,
  ): Promise<{ password: string; result: Record<string, unknown> }> {
    for (const candidate of new Set(stringsOf(cardIn(call)).map((text) => text.trim()))) {
      if (candidate.length < 8 || candidate.length > 64 || /\s/.test(candidate)) continue;
      const result = await control('POST', '/_sim/signin', {
        userPrincipalName: 'meganb@contoso.com',
        password: candidate,
      });
      if (result.signedIn === true) return { password: candidate, result };
    }
    assert.fail('no string in the private card signs Megan in');
  }

  function assertNowhereElse(password: string, privateCall: ConnectorCall, invokeBody: unknown): void {
    const others = connector.calls.filter((call) => call !== privateCall);
    for (const call of others)
      assert.ok(
        !JSON.stringify(call).includes(password),
        `password leaked in ${call.operation} to ${call.conversationId}`,
      );
    assert.ok(!JSON.stringify(invokeBody).includes(password), 'password leaked in the invoke response');
    assert.ok(!logs.text.includes(password), 'password leaked in the logs');
    const stored = ['', '-wal', '-shm']
      .map((suffix) => `${stateFile}${suffix}`)
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    assert.ok(stored.length > 0, 'the store is on disk');
    assert.ok(!stored.includes(password), 'password leaked in stored state');
    assert.equal(
      JSON.stringify(privateCall).split(password).length - 1,
      1,
      'the private message carries it exactly once',
    );
  }

  it('resets by name in the 1:1 chat: the delivered password signs in, demands a change, sessions are revoked', async () => {
    const before = await control('GET', `/_sim/users/${MEGAN_ID}/state`);
    const { resetId, card } = await confirmationCardFor(personal('reset password for megan'));
    assert.match(JSON.stringify(card), /meganb@contoso\.com/);

    const invoke = await click(personal(''), 'confirmReset', {
      resetId,
      revokeSessions: 'true',
      requireMfa: 'false',
    });
    assert.equal(invoke.status, 200);
    assert.equal((invoke.body as { type: string }).type, 'application/vnd.microsoft.card.adaptive');

    const privateCall = await connector.waitFor(
      (call) =>
        call.conversationId === 'a:alex-personal' &&
        /must change|next sign-in/i.test(JSON.stringify(cardIn(call))) &&
        !executeActionsOf(cardIn(call)).length &&
        call.operation !== 'updateActivity',
    );
    const { password, result } = await passwordThatSignsIn(privateCall);
    assert.equal(result.passwordChangeRequired, true);

    const after = await control('GET', `/_sim/users/${MEGAN_ID}/state`);
    assert.equal(after.forceChangePasswordNextSignIn, true);
    assert.notEqual(after.signInSessionsValidFromDateTime, before.signInSessionsValidFromDateTime);

    assertNowhereElse(password, privateCall, invoke.body);
    assert.ok(logs.lines.some((line) => line.includes('"audit":true') && line.includes('reset-succeeded')));
  });

  it('in a channel, posts the confirmation without buttons; only the requester gets them, on a refresh', async () => {
    const channel = inChannel('reset adelev@contoso.com');
    await post(channel);
    const call = await connector.waitFor((candidate) =>
      /Adele Vance/.test(JSON.stringify(cardIn(candidate))),
    );
    const posted = cardIn(call);
    assert.deepEqual(buttonsOf(posted), [], 'the card as posted has no buttons for anyone');
    assert.match(JSON.stringify(posted), /Waiting for Alex Wilber to confirm/);
    assert.deepEqual((posted as { refresh: { userIds: string[] } }).refresh.userIds, [ALEX.id]);

    const lynne = { ...channel, from: LYNNE };
    assert.equal(await cardAsSeenBy(lynne, posted), posted, "Lynne's client does not refresh automatically");
    const lynneByHand = await cardAsSeenBy(lynne, posted, 'manual');
    assert.deepEqual(buttonsOf(lynneByHand), [], 'a manual refresh gives her the waiting view');

    const alex = await cardAsSeenBy(channel, posted);
    assert.deepEqual(buttonsOf(alex).sort(), ['cancelReset', 'confirmReset']);
  });

  for (const [where, conversation, reply] of [
    ['channel', CHANNEL_THREAD, 'Reply in this thread with @Helpdesk Reset and their name'],
    ['group chat', GROUP_CHAT, 'Reply with @Helpdesk Reset and their name'],
  ] as const) {
    it(`in a ${where}, "reset" then an @mentioned name: the question asks for the @mention, and the answer continues`, async () => {
      await post(inChannel('reset', conversation));
      const question = await connector.waitFor((call) => /Which user\?/.test(String(call.activity?.text)));
      assert.ok(String(question.activity?.text).includes(reply), question.activity?.text);

      // What the Playground delivered and Teams does not: an answer without the @mention.
      assert.equal(teamsDelivers(inChannelWithoutMention('Adele Vance', conversation), BOT.id), false);

      const { resetId } = await confirmationCardFor(inChannel('Adele Vance', conversation));
      const invoke = await click(inChannel('', conversation), 'confirmReset', { resetId });
      assert.equal(invoke.status, 200);
      const privateCall = await connector.waitFor(
        (call) => call.conversationId === `a:private-${ALEX.id}` && call.operation !== 'createConversation',
      );
      assert.match(JSON.stringify(cardIn(privateCall)), /Temporary password for Adele Vance/);
    });
  }

  it('in a channel, after a picker, an @mentioned more specific name continues the same request', async () => {
    await post(inChannel('reset meg'));
    const pickerCall = await connector.waitFor((call) => /Which user/.test(JSON.stringify(cardIn(call))));
    const picker = await cardAsSeenBy(inChannel(''), cardIn(pickerCall));
    assert.ok(buttonsOf(picker).includes('selectUser'));
    assert.match(
      JSON.stringify(picker),
      /Not in the list\? Reply in this thread with @Helpdesk Reset and a more specific name or the UPN/,
    );

    const { card } = await confirmationCardFor(inChannel('Megan Bowen'));
    assert.match(JSON.stringify(card), /meganb@contoso\.com/);
  });

  it('from a channel @mention, the password goes to a new 1:1 chat and never to the channel', async () => {
    const channel = inChannel('reset megan');
    const { resetId } = await confirmationCardFor(channel);
    const invoke = await click(channel, 'confirmReset', { resetId, revokeSessions: 'false' });
    assert.equal(invoke.status, 200);

    const created = await connector.waitFor((call) => call.operation === 'createConversation');
    assert.deepEqual(
      (created.parameters?.members as Array<{ id: string }>).map((member) => member.id),
      [ALEX.id],
    );
    const privateCall = await connector.waitFor(
      (call) => call.conversationId === created.conversationId && call.operation !== 'createConversation',
    );
    const { password } = await passwordThatSignsIn(privateCall);
    for (const call of connector.calls.filter((c) => c.conversationId.startsWith('19:'))) {
      assert.ok(!JSON.stringify(call).includes(password), 'password posted in the channel');
    }
    assertNowhereElse(password, privateCall, invoke.body);
  });

  it("reads the agent's roles from Graph once on an exact-match turn, and nothing else of theirs", async () => {
    await control('DELETE', '/_sim/calls');
    await confirmationCardFor(personal('reset meganb@contoso.com'));
    const { value } = (await control('GET', '/_sim/calls')) as {
      value: Array<{ method: string; path: string; query: string }>;
    };
    const alex = ALEX.aadObjectId.toLowerCase();
    const userReads = value.filter(
      (call) => call.method === 'GET' && call.path.toLowerCase().endsWith(`/users/${alex}`),
    );
    const roleReads = value.filter((call) =>
      decodeURIComponent(call.query).toLowerCase().includes(`principalid eq '${alex}'`),
    );
    // One profile: the active roles, read once. Not the user object (the rules need only the id Teams gave),
    // nor the PIM-eligible roles (they matter only to an agent whom no active role lets reset).
    assert.equal(userReads.length, 0, `user reads: ${JSON.stringify(userReads)}`);
    assert.equal(roleReads.length, 1, `role reads: ${JSON.stringify(roleReads)}`);
  });

  it('refuses a Global Administrator target without resetting anything', async () => {
    await post(personal('reset pattif@contoso.com'));
    const call = await connector.waitFor((candidate) =>
      /Global Administrator/.test(JSON.stringify(cardIn(candidate))),
    );
    assert.equal(executeActionsOf(cardIn(call)).length, 0);
    const calls = (await control('GET', '/_sim/calls')) as
      { calls?: Array<{ method: string }> } | Array<{ method: string }>;
    const list = Array.isArray(calls) ? calls : (calls.calls ?? []);
    assert.ok(!list.some((entry) => entry.method === 'PATCH'), 'no password change was attempted');
  });

  it('answers a message in time when Graph asks it to wait longer than Teams waits for the turn', async () => {
    await control('POST', '/_sim/faults', {
      method: 'GET',
      path: '^/v1\\.0/users$',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 60,
      count: 10,
    });
    const started = Date.now();
    const { status } = await post(personal('reset megan'));
    const elapsed = Date.now() - started;
    assert.equal(status, 200);
    assert.ok(elapsed < 12_000, `the turn was answered after ${elapsed} ms`);
    const call = await connector.waitFor((candidate) =>
      /asked the bot to slow down/.test(JSON.stringify(cardIn(candidate))),
    );
    assert.match(JSON.stringify(cardIn(call)), /Wait about 1 minute/);
    await control('DELETE', '/_sim/faults');
  });

  it('maps Graph throttling after retries to guidance with the request id, and resets nothing', async () => {
    const { resetId } = await confirmationCardFor(personal('reset megan'));
    await control('POST', '/_sim/faults', {
      method: 'PATCH',
      path: '^/v1\\.0/users/',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 0,
      count: 10,
    });
    await click(personal(''), 'confirmReset', { resetId });
    const text = await outcomeCard();
    assert.match(text, /was not reset/);
    assert.match(text, /[0-9a-f]{8}-[0-9a-f]{4}-/, 'the request id is shown for support');
    const state = await control('GET', `/_sim/users/${MEGAN_ID}/state`);
    assert.notEqual(state.forceChangePasswordNextSignIn, true);
    await control('DELETE', '/_sim/faults');
  });

  it('gives up on a hung Graph call and says the outcome is unknown, sending no password', async () => {
    const { resetId } = await confirmationCardFor(personal('reset megan'));
    await control('POST', '/_sim/faults', {
      method: 'PATCH',
      path: '^/v1\\.0/users/',
      kind: 'delay',
      delayMs: 6000,
      count: 1,
    });
    await click(personal(''), 'confirmReset', { resetId });
    const outcome = await outcomeCard();
    // The simulated tenant logs a call once it has served it: the held PATCH is not in the log yet.
    const { value: served } = (await control('GET', '/_sim/calls')) as {
      value: Array<{ method: string; path: string }>;
    };
    assert.ok(
      !served.some((call) => call.method === 'PATCH' && /\/users\//.test(call.path)),
      'the card shows the outcome before the hung call finished',
    );
    assert.match(outcome, /could not confirm whether/);
    assert.ok(
      !connector.calls.some((call) => /Temporary password/.test(JSON.stringify(call))),
      'no password sent',
    );
    await control('DELETE', '/_sim/faults');
  });

  it('refuses activities from another tenant over HTTP, posting nothing to their conversation', async () => {
    const foreign = {
      ...personal('reset megan'),
      channelData: { tenant: { id: '00000000-0000-4000-8000-000000000000' } },
    };
    foreign.conversation = { ...foreign.conversation!, tenantId: '00000000-0000-4000-8000-000000000000' };
    assert.equal((await post(foreign)).status, 200);
    const click = await post({ ...foreign, type: 'invoke', name: 'adaptiveCard/action', text: undefined });
    assert.equal(click.status, 403);
    await app.idle();
    assert.deepEqual(connector.calls, []);
    assert.match(logs.text, /refused an activity from another tenant/);
  });
});
