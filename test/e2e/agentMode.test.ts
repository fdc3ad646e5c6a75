import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import sinon from 'sinon';
import * as resetPolicy from '../../core/policy/resetPolicy';
import { ALEX, BotOverHttp, MEGAN_ID, PERSONAL_CHAT, TENANT_ID, cardIn } from '../support/botOverHttp';
import { DEMO_PASSWORD, signInWithLink } from '../support/entraBrowser';
import type { ConnectorCall } from '../support/loopbackConnector';
import { executeActionsOf } from '../support/teamsActivities';

const CONNECTION = 'GraphConnection';
const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';
const userId = (suffix: string) => `e1a00000-0000-4000-8000-0000000000${suffix}`;
const PATTI_GLOBAL_ADMIN = userId('05');
const PRADEEP_SYNCED = userId('10');
const MARCUS_ADMIN_COUNT_1 = userId('32');
/** Helpdesk Administrator scoped to the "Executive Protection" administrative unit only. */
const KARA = { id: '29:kara', name: 'Kara Thomas', aadObjectId: userId('23') };
/** Helpdesk Administrator through PIM: eligible, never activated. */
const KEVIN = { id: '29:kevin', name: 'Kevin Wu', aadObjectId: userId('30') };
const GROUP_CHAT = '19:helpdesk-group@thread.v2';

/** The agent-mode settings of a bot against the simulated token service. */
function agentMode(writeback: boolean) {
  return (simulator: { url: string }) => ({
    RESET_AS: 'agent',
    OAUTH_CONNECTION_NAME: CONNECTION,
    OAuthUrl: `${simulator.url}/botframework`,
    PASSWORD_WRITEBACK_ENABLED: String(writeback),
  });
}

/** The OAuth card the bot posted after call number `since`, and where. */
async function signInCardAfter(
  h: BotOverHttp,
  since: number,
): Promise<{ call: ConnectorCall; link: string }> {
  const call = await h.connector.waitFor(
    (candidate) =>
      h.connector.calls.indexOf(candidate) >= since &&
      candidate.activity?.attachments?.[0]?.contentType === OAUTH_CARD,
  );
  const content = call.activity?.attachments?.[0]?.content as {
    connectionName?: string;
    buttons?: Array<{ type?: string; value?: string }>;
  };
  assert.equal(content.connectionName, CONNECTION);
  assert.equal(content.buttons?.[0]?.type, 'signin');
  return { call, link: content.buttons?.[0]?.value ?? '' };
}

/** Teams, after the sign-in window closed: `signin/verifyState` with the code, in the card's conversation. */
function verifyState(h: BotOverHttp, where: Partial<Activity>, code: string) {
  return h.post({
    ...where,
    type: 'invoke',
    name: 'signin/verifyState',
    text: undefined,
    value: { state: code },
  });
}

describe('end to end over HTTP: resets as the signed-in agent (RESET_AS=agent)', function () {
  this.timeout(60_000);
  let h: BotOverHttp;

  before(async () => {
    h = await BotOverHttp.start(agentMode(true));
  });
  after(async () => {
    sinon.restore();
    await h.close();
  });
  beforeEach(async () => {
    sinon.restore();
    await h.reset();
  });

  // --- what Teams and the agent do ------------------------------------------------------------------------

  /** A message in a group chat, with the bot @mentioned. */
  function inGroupChat(text: string, from: Partial<Activity['from']> = ALEX): Partial<Activity> {
    const mention = '<at>Helpdesk Reset</at>';
    return {
      ...h.personal('', from),
      conversation: {
        id: GROUP_CHAT,
        conversationType: 'groupChat',
        isGroup: true,
        tenantId: TENANT_ID,
        name: '',
      },
      entities: [
        { type: 'mention', text: mention, mentioned: { id: '28:helpdesk-reset', name: 'Helpdesk Reset' } },
      ],
      text: `${mention} ${text}`,
    };
  }

  /** The first Adaptive Card the bot posted after call number `since`. */
  async function adaptiveCardAfter(since: number): Promise<unknown> {
    const call = await h.connector.waitFor(
      (candidate) =>
        h.connector.calls.indexOf(candidate) >= since &&
        candidate.activity?.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive',
    );
    return cardIn(call);
  }

  function resetIdOn(card: unknown): string {
    const confirm = executeActionsOf(card).find((action) => action.verb === 'confirmReset');
    assert.ok(confirm, `expected a confirmation card: ${JSON.stringify(card)}`);
    return String(confirm.data?.resetId);
  }

  /** Alex asks in his 1:1 chat, signs in through the card's button, and gets the confirmation card. */
  async function confirmationAfterSignIn(request: string, login = 'alexw@contoso.com'): Promise<string> {
    const since = h.connector.calls.length;
    assert.equal((await h.post(h.personal(request))).status, 200);
    const { link } = await signInCardAfter(h, since);
    const code = await signInWithLink(link, login);
    assert.ok(code, 'the sign-in page shows a code');
    const afterSignIn = h.connector.calls.length;
    assert.equal((await verifyState(h, h.personal(''), code)).status, 200);
    return resetIdOn(await adaptiveCardAfter(afterSignIn));
  }

  async function graphCalls(): Promise<
    Array<{ method: string; path: string; caller: { kind: string; objectId: string } | null; status: number }>
  > {
    const { value } = (await h.simulatorControl('GET', '/_sim/calls')) as {
      value: Array<{
        method: string;
        path: string;
        caller: { kind: string; objectId: string } | null;
        status: number;
      }>;
    };
    return value;
  }

  async function passwordWrites(): Promise<
    Array<{ method: string; path: string; callerId?: string; status: number }>
  > {
    return (await graphCalls())
      .filter(
        (call) =>
          (call.method === 'PATCH' && /\/users\/[^/]+$/.test(call.path)) || /resetPassword$/.test(call.path),
      )
      .map((call) => ({
        method: call.method,
        path: call.path,
        callerId: call.caller?.objectId,
        status: call.status,
      }));
  }

  // --- the flows ---------------------------------------------------------------------------------------------

  it('1:1: asks Alex to sign in, then resets Megan as Alex through resetPassword and delivers a password that works', async () => {
    const resetId = await confirmationAfterSignIn('reset password for meganb@contoso.com');
    const click = await h.click(h.personal(''), 'confirmReset', { resetId });
    assert.equal(click.status, 200);
    const outcome = await h.outcomeCard();
    assert.match(outcome, /Password reset/i);

    const writes = await passwordWrites();
    assert.deepEqual(
      writes.map((write) => [write.method, write.callerId, write.status]),
      [['POST', ALEX.aadObjectId, 202]],
      'one delegated resetPassword as Alex; no app-only PATCH',
    );
    let signsIn: string | undefined;
    for (const call of h.connector.calls.filter((c) => c.operation !== 'updateActivity')) {
      signsIn ??= await h.passwordThatSignsIn(call);
      if (signsIn) assert.equal(call.conversationId, PERSONAL_CHAT, 'the password went to the 1:1 chat');
    }
    assert.ok(signsIn, 'a delivered password signs Megan in');
    assert.equal(h.logs.text.includes(signsIn), false, 'the password is in no log line');
    assert.equal(JSON.stringify(click.body).includes(signsIn), false, 'nor in the click’s HTTP answer');
    const audit = h.logs.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.action === 'reset-succeeded');
    assert.equal(audit?.resetAs, 'agent');
    // Neither the token nor the password reaches a log line.
    assert.doesNotMatch(h.logs.text, /eyJ[\w-]+\.eyJ[\w-]+\./);
  });

  it('Teams single sign-on: a signin/tokenExchange invoke signs Alex in without the card', async () => {
    const since = h.connector.calls.length;
    await h.post(h.personal('reset password for meganb@contoso.com'));
    await signInCardAfter(h, since);
    const sso = await h.simulatorControl('POST', '/_sim/teams-sso-token', {
      userPrincipalName: 'alexw@contoso.com',
    });
    const afterSso = h.connector.calls.length;
    const exchange = await h.post({
      ...h.personal(''),
      type: 'invoke',
      name: 'signin/tokenExchange',
      value: { id: 'exchange-1', connectionName: CONNECTION, token: sso.token },
    });
    assert.equal(exchange.status, 200);
    assert.equal((exchange.body as { id?: string }).id, 'exchange-1');
    const resetId = resetIdOn(await adaptiveCardAfter(afterSso));
    await h.click(h.personal(''), 'confirmReset', { resetId });
    assert.match(await h.outcomeCard(), /Password reset/i);
    assert.equal((await passwordWrites())[0]?.callerId, ALEX.aadObjectId);
  });

  it('answers a token exchange it cannot complete with 412, so that Teams shows the sign-in button', async () => {
    const since = h.connector.calls.length;
    await h.post(h.personal('reset password for meganb@contoso.com'));
    await signInCardAfter(h, since);
    const exchange = await h.post({
      ...h.personal(''),
      type: 'invoke',
      name: 'signin/tokenExchange',
      value: { id: 'exchange-2', connectionName: CONNECTION, token: 'not-a-teams-token' },
    });
    assert.equal(exchange.status, 412);
    assert.deepEqual(await passwordWrites(), []);
  });

  it('a declined sign-in changes nothing and says so when Alex moves on', async () => {
    const since = h.connector.calls.length;
    await h.post(h.personal('reset password for meganb@contoso.com'));
    const { link } = await signInCardAfter(h, since);
    assert.equal(await signInWithLink(link, 'alexw@contoso.com', 'cancel'), null);
    const after = h.connector.calls.length;
    await h.post(h.personal('what now?'));
    const reply = await h.connector.waitFor((call) => h.connector.calls.indexOf(call) >= after);
    assert.match(String(reply.activity?.text), /did not finish signing in, so nothing was changed/);
    assert.equal(
      h.connector.calls.slice(after).some((call) => executeActionsOf(cardIn(call)).length > 0),
      false,
    );
    assert.deepEqual(await passwordWrites(), []);
  });

  it('group chat: a sign-in by someone else on Alex’s card is refused and signed out', async () => {
    const since = h.connector.calls.length;
    await h.post(inGroupChat('reset password for meganb@contoso.com'));
    const { link } = await signInCardAfter(h, since);
    // Isaiah, who sees the card in the group chat, follows the link and signs in as himself.
    const code = await signInWithLink(link, 'isaiahl@contoso.com');
    assert.ok(code);
    const after = h.connector.calls.length;
    await verifyState(h, inGroupChat(''), code);
    const reply = await h.connector.waitFor((call) => h.connector.calls.indexOf(call) >= after);
    assert.match(String(reply.activity?.text), /not for the work account you use in Teams/);
    // Signed out: the next request asks Alex to sign in again.
    const again = h.connector.calls.length;
    await h.post(inGroupChat('reset password for meganb@contoso.com'));
    await signInCardAfter(h, again);
    assert.deepEqual(await passwordWrites(), []);
  });

  it('channel: sends the sign-in to Alex’s 1:1 chat, never to the channel, and the request works once signed in', async () => {
    const since = h.connector.calls.length;
    await h.post(h.inChannel('reset password for meganb@contoso.com'));
    const { call, link } = await signInCardAfter(h, since);
    assert.doesNotMatch(call.conversationId, /^19:/, 'the sign-in card is not in the channel');
    const told = await h.connector.waitFor(
      (candidate) =>
        h.connector.calls.indexOf(candidate) >= since &&
        /^19:/.test(candidate.conversationId) &&
        typeof candidate.activity?.text === 'string',
    );
    assert.match(String(told.activity?.text), /sign-in card in our private chat/);

    const code = await signInWithLink(link, 'alexw@contoso.com');
    assert.ok(code);
    const inPrivate = {
      ...h.personal(''),
      conversation: {
        id: call.conversationId,
        conversationType: 'personal',
        isGroup: false,
        tenantId: TENANT_ID,
        name: '',
      },
    };
    const afterSignIn = h.connector.calls.length;
    await verifyState(h, inPrivate, code);
    const signedIn = await h.connector.waitFor(
      (candidate) => h.connector.calls.indexOf(candidate) >= afterSignIn,
    );
    assert.match(String(signedIn.activity?.text), /signed in\. Go back to the channel/);

    const resetId = await h.confirmationFor(h.inChannel('reset password for meganb@contoso.com'));
    await h.click(h.inChannel(''), 'confirmReset', { resetId });
    assert.match(await h.outcomeCard(), /Password reset/i);
    assert.equal((await passwordWrites())[0]?.callerId, ALEX.aadObjectId);
  });

  it('a click after Alex’s sign-in ended (sessions revoked) resets nothing and sends a new sign-in privately; the card works after', async () => {
    const resetId = await confirmationAfterSignIn('reset password for meganb@contoso.com');
    // Alex's sessions are revoked: the token service's grant ends with them, as Entra's refresh tokens do.
    await revokeSessionsOf(ALEX.aadObjectId);
    const since = h.connector.calls.length;
    const click = await h.click(h.personal(''), 'confirmReset', { resetId });
    assert.equal(click.status, 200);
    assert.match(JSON.stringify(click.body), /not signed in \(or your sign-in has expired\)/);
    const { link } = await signInCardAfter(h, since);
    assert.deepEqual(await passwordWrites(), []);

    const code = await signInWithLink(link, 'alexw@contoso.com');
    assert.ok(code);
    await verifyState(h, h.personal(''), code);
    await h.click(h.personal(''), 'confirmReset', { resetId });
    assert.match(await h.outcomeCard(), /Password reset/i);
    assert.equal((await passwordWrites()).length, 1);
  });

  it('a click by another signed-in agent on Alex’s card is refused and changes nothing', async () => {
    const resetId = await confirmationAfterSignIn('reset password for meganb@contoso.com');
    // Not signed in, Kara is refused as not the requester, and is not sent a sign-in card for it.
    const early = h.connector.calls.length;
    const unsigned = await h.click(h.personal('', KARA), 'confirmReset', { resetId });
    assert.match(JSON.stringify(unsigned.body), /Only the agent who asked for this reset can use this card/);
    await h.app.idle();
    assert.equal(
      h.connector.calls
        .slice(early)
        .some((call) => call.activity?.attachments?.[0]?.contentType === OAUTH_CARD),
      false,
    );
    const since = h.connector.calls.length;
    await h.post(h.personal('reset password for meganb@contoso.com', KARA));
    const { link } = await signInCardAfter(h, since);
    const code = await signInWithLink(link, 'karat@contoso.com');
    assert.ok(code);
    await verifyState(h, h.personal('', KARA), code);
    const click = await h.click(h.personal('', KARA), 'confirmReset', { resetId });
    assert.match(JSON.stringify(click.body), /Only the agent who asked for this reset can use this card/);
    assert.deepEqual(await passwordWrites(), []);
  });

  describe('Entra decides, even when the bot’s own rules would allow everything (test-only policy)', () => {
    beforeEach(() => {
      sinon.stub(resetPolicy, 'checkRequester').returns(null);
      sinon.stub(resetPolicy, 'decideReset').returns({ allowed: true, warnings: [] });
    });

    it('refuses a Helpdesk Administrator resetting a Global Administrator, and the agent is told why', async () => {
      const resetId = await confirmationAfterSignIn(`reset password for pattif@contoso.com`);
      await h.click(h.personal(''), 'confirmReset', { resetId });
      const outcome = await h.outcomeCard();
      assert.match(outcome, /Microsoft Entra|permission|role/i);
      assert.doesNotMatch(outcome, /Password reset for/i);
      const writes = await passwordWrites();
      assert.deepEqual(
        writes.map((write) => [write.callerId, write.status]),
        [[ALEX.aadObjectId, 403]],
      );
      await assertPasswordUnchanged(PATTI_GLOBAL_ADMIN);
    });

    /** `agent` asks in their 1:1 chat, signs in as `login`, and clicks Reset password on the card. */
    async function resetAs(agent: typeof KARA, login: string, request: string): Promise<string> {
      const since = h.connector.calls.length;
      await h.post(h.personal(request, agent));
      const { link } = await signInCardAfter(h, since);
      const code = await signInWithLink(link, login);
      assert.ok(code);
      const afterSignIn = h.connector.calls.length;
      await verifyState(h, h.personal('', agent), code);
      const resetId = resetIdOn(await adaptiveCardAfter(afterSignIn));
      await h.click(h.personal('', agent), 'confirmReset', { resetId });
      return h.outcomeCard();
    }

    it('refuses an agent whose role is scoped to another administrative unit', async () => {
      const outcome = await resetAs(KARA, 'karat@contoso.com', 'reset password for meganb@contoso.com');
      assert.match(outcome, /Microsoft Entra|permission|role/i);
      const writes = await passwordWrites();
      assert.deepEqual(
        writes.map((write) => [write.callerId, write.status]),
        [[KARA.aadObjectId, 403]],
      );
      await assertPasswordUnchanged(MEGAN_ID);
    });

    it('refuses an agent whose Helpdesk Administrator role is PIM-eligible but not activated', async () => {
      const outcome = await resetAs(KEVIN, 'kevinw@contoso.com', 'reset password for meganb@contoso.com');
      assert.match(outcome, /Microsoft Entra|permission|role/i);
      const writes = await passwordWrites();
      assert.deepEqual(
        writes.map((write) => [write.callerId, write.status]),
        [[KEVIN.aadObjectId, 403]],
      );
      await assertPasswordUnchanged(MEGAN_ID);
    });
  });

  describe('users synced from on-premises Active Directory', () => {
    it('resets a synced user as the agent with password writeback on, and the password is written back', async () => {
      const resetId = await confirmationAfterSignIn('reset password for pradeepg@contoso.com');
      await h.click(h.personal(''), 'confirmReset', { resetId });
      assert.match(await h.outcomeCard(), /Password reset/i);
      const state = await h.simulatorControl('GET', `/_sim/users/${PRADEEP_SYNCED}/state`);
      assert.ok(
        (state.onPremises as { passwordWrittenBackDateTime?: string | null }).passwordWrittenBackDateTime,
      );
    });

    it('gives the seed’s AdminCount guidance when on-premises AD refuses the write', async () => {
      const resetId = await confirmationAfterSignIn('reset password for marcusw@contoso.com');
      await h.click(h.personal(''), 'confirmReset', { resetId });
      const outcome = await h.outcomeCard();
      assert.match(outcome, /AdminCount/);
      assert.match(outcome, /80231367/);
      await assertPasswordUnchanged(MARCUS_ADMIN_COUNT_1);
    });
  });

  // --- the tenant ---------------------------------------------------------------------------------------------

  /** The fixture's people have never had their password changed by anyone: a change sets the date. */
  async function assertPasswordUnchanged(id: string): Promise<void> {
    const fixture = await h.simulatorControl('GET', `/_sim/users/${id}/state`);
    assert.equal(fixture.forceChangePasswordNextSignIn, false, 'no password change was made');
    const signIn = await h.simulatorControl('POST', '/_sim/signin', {
      userPrincipalName: String(fixture.userPrincipalName),
      password: DEMO_PASSWORD,
    });
    assert.equal(signIn.signedIn, true, 'the old password still signs in');
  }

  /** Graph `revokeSignInSessions`, as a Global Administrator (Patti) would, with her own token. */
  async function revokeSessionsOf(id: string): Promise<void> {
    const token = await fetch(`${h.simulator.url}/${TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
        client_secret: 'sim-demo-client-secret',
        username: 'pattif@contoso.com',
        password: DEMO_PASSWORD,
        scope: 'https://graph.microsoft.com/User.RevokeSessions.All',
      }).toString(),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const revoked = await fetch(`${h.simulator.url}/v1.0/users/${id}/revokeSignInSessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal(revoked.status, 200);
    // Entra's clock: sessions revoked now end grants made before now, not in the same millisecond.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

describe('end to end over HTTP: synced users when writeback is off, and in bot mode', function () {
  this.timeout(60_000);

  it('agent mode without writeback: refuses a synced user with the seed’s explanation, before any Graph write', async () => {
    const h = await BotOverHttp.start(agentMode(false));
    try {
      await h.simulatorControl('PUT', '/_sim/password-writeback', { enabled: false });
      const since = h.connector.calls.length;
      await h.post(h.personal('reset password for pradeepg@contoso.com'));
      const { link } = await signInCardAfter(h, since);
      const code = await signInWithLink(link, 'alexw@contoso.com');
      const after = h.connector.calls.length;
      assert.ok(code);
      await verifyState(h, h.personal(''), code);
      const card = JSON.stringify(
        cardIn(
          await h.connector.waitFor(
            (call) => h.connector.calls.indexOf(call) >= after && cardIn(call) !== undefined,
          ),
        ),
      );
      assert.match(card, /password writeback, which is not turned on/);
      assert.equal(
        executeActionsOf(JSON.parse(card)).some((action) => action.verb === 'confirmReset'),
        false,
      );
    } finally {
      await h.close();
    }
  });

  it('bot mode: refuses a synced user before any Graph write, and says writeback needs agent mode', async () => {
    const h = await BotOverHttp.start();
    try {
      const card = JSON.stringify(
        await h.firstCardFor(h.personal('reset password for pradeepg@contoso.com')),
      );
      assert.match(card, /never written back to on-premises Active Directory/);
      assert.match(card, /RESET_AS=agent/);
      assert.equal(await h.passwordChanges(), 0);
    } finally {
      await h.close();
    }
  });
});
