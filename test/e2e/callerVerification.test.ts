import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { createBotApp, type BotApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import type { AdaptiveCardJson } from '../../cards';
import { validateCard } from '../../cards/validateCard';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { LogCapture } from '../support/logCapture';
import { type LoopbackConnector, startLoopbackConnector } from '../support/loopbackConnector';
import { simulatorControl } from '../support/simulatorControl';
import { executeActionsOf, teamsDelivers } from '../support/teamsActivities';

const TENANT_ID = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';
const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: 'e1a00000-0000-4000-8000-000000000001' };
const MEGAN_ID = 'e1a00000-0000-4000-8000-000000000002';
const BOT = { id: '28:helpdesk-reset', name: 'Helpdesk Reset' };

/**
 * `CALLER_VERIFICATION=required` over HTTP: the real server against the simulated tenant, with a loopback
 * Bot Connector. A click that leaves out how the caller was verified changes no password; the same card
 * with it resets, and the audit line says how the caller was verified and names the ticket.
 */
describe('end to end over HTTP: caller verification required', function () {
  this.timeout(60_000);

  let simulator: RunningSimulator;
  let connector: LoopbackConnector;
  let logs: LogCapture;
  let app: BotApp;
  let botUrl: string;
  let activityCounter = 0;

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    connector = await startLoopbackConnector();
    logs = new LogCapture();
    const config = loadConfig({
      AZURE_TENANT_ID: TENANT_ID,
      AZURE_CLIENT_ID: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
      AZURE_CLIENT_SECRET: 'sim-demo-client-secret',
      AZURE_AUTHORITY_HOST: simulator.url,
      GRAPH_BASE_URL: simulator.url,
      BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
      CALLER_VERIFICATION: 'required',
      TICKET_REFERENCE: 'optional',
    });
    app = createBotApp(config, { logDestination: logs });
    botUrl = await app.listen(0);
  });

  after(async () => {
    await app?.close();
    await connector?.close();
    await simulator?.close();
  });

  const control = (method: string, path: string, body?: unknown) =>
    simulatorControl(simulator, method, path, body);

  function personal(fields: Partial<Activity>): Partial<Activity> {
    return {
      type: 'message',
      id: `message-${++activityCounter}`,
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      from: ALEX,
      recipient: BOT,
      conversation: {
        id: 'a:alex-personal',
        conversationType: 'personal',
        isGroup: false,
        tenantId: TENANT_ID,
        name: '',
      },
      channelData: { tenant: { id: TENANT_ID } },
      ...fields,
    };
  }

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

  /** Reset password as Teams sends it: the action's data merged with the card's input values. */
  function clickResetPassword(data: Record<string, unknown>) {
    return post(
      personal({
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: 'activity-card',
        value: { action: { type: 'Action.Execute', id: 'a', verb: 'confirmReset', data }, trigger: 'manual' },
      }),
    );
  }

  function auditLines(action: string): Record<string, unknown>[] {
    return logs.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record.audit === true && record.action === action);
  }

  async function passwordWrites(): Promise<number> {
    const { value } = (await control('GET', '/_sim/calls')) as {
      value: Array<{ method: string; path: string }>;
    };
    return value.filter(
      (call) => call.method === 'PATCH' && call.path.toLowerCase().endsWith(`/users/${MEGAN_ID}`),
    ).length;
  }

  it('changes no password without it, and resets with it, recording how and the ticket', async () => {
    assert.equal((await post(personal({ text: 'reset meganb@contoso.com' }))).status, 200);
    const posted = await connector.waitFor((call) =>
      executeActionsOf(call.activity?.attachments?.[0]?.content).some(
        (action) => action.verb === 'confirmReset',
      ),
    );
    const card = posted.activity?.attachments?.[0]?.content as AdaptiveCardJson & {
      body: Record<string, unknown>[];
    };
    assert.deepEqual(validateCard(card), []);
    const choice = card.body.find((element) => element.id === 'callerVerification');
    assert.equal(choice?.isRequired, true, 'Teams itself asks for it before sending the click');
    const resetId = String(
      executeActionsOf(card).find((action) => action.verb === 'confirmReset')?.data?.resetId,
    );
    const before = await control('GET', `/_sim/users/${MEGAN_ID}/state`);
    await control('DELETE', '/_sim/calls');

    // A client that skips the card's validation (or a forged payload): refused, and the card stays usable.
    const without = await clickResetPassword({ resetId, revokeSessions: 'true', ticketReference: 'INC1' });
    assert.equal(without.status, 200);
    const refusal = without.body as { type: string; value: unknown };
    assert.equal(refusal.type, 'application/vnd.microsoft.activity.message');
    assert.match(String(refusal.value), /Choose how you verified the caller.*Nothing was changed/);
    await app.idle();
    assert.equal(await passwordWrites(), 0, 'no password write reached Graph');
    assert.deepEqual(await control('GET', `/_sim/users/${MEGAN_ID}/state`), before);
    assert.equal(
      connector.calls.filter((call) => call.operation === 'updateActivity').length,
      0,
      'the card was not replaced',
    );
    assert.deepEqual(
      auditLines('card-action-rejected').map((record) => record.reason),
      ['caller-verification-missing'],
    );

    const withIt = await clickResetPassword({
      resetId,
      revokeSessions: 'true',
      callerVerification: 'call-back',
      ticketReference: 'INC0012345',
    });
    assert.equal((withIt.body as { type: string }).type, 'application/vnd.microsoft.card.adaptive');
    await app.idle();
    assert.equal(await passwordWrites(), 1);
    const after = await control('GET', `/_sim/users/${MEGAN_ID}/state`);
    assert.equal(after.forceChangePasswordNextSignIn, true);

    const [success] = auditLines('reset-succeeded');
    assert.equal(success?.callerVerification, 'call-back');
    assert.equal(success?.ticketReference, 'INC0012345');
    assert.equal(success?.targetId, MEGAN_ID);

    const outcome = connector.calls.find((call) => call.operation === 'updateActivity');
    const outcomeText = JSON.stringify(outcome?.activity?.attachments?.[0]?.content);
    assert.match(outcomeText, /Caller verified: Called back on the number on file\./);
    assert.match(outcomeText, /Ticket: INC0012345/);
  });
});
