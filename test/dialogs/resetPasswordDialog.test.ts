import assert from 'node:assert/strict';
import { type Activity, MemoryStorage, MiddlewareSet } from 'botbuilder';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import pino from 'pino';
import { GraphError } from '@microsoft/microsoft-graph-client';
import type { AuditEvent } from '../../core/audit';
import { PendingActions } from '../../core/pendingActions';
import type { ResetDependencies } from '../../core/resets';
import { ResetPasswordDialog } from '../../dialogs/resetPasswordDialog';
import { KeyValuePendingActionStore } from '../../storage/keyValuePendingActionStore';
import { requesterOf } from '../../bot/activity';
import { FakeDirectory, IDS } from '../support/fakeDirectory';
import { FakePrivateChat } from '../support/fakePrivateChat';
import {
  type Agent,
  cardOf,
  channelThread,
  executeActionsOf,
  groupChat,
  personalChatWith,
} from '../support/teamsActivities';
import { noRateLimits } from '../support/rateLimits';

const ALEX: Agent = { id: '29:alex', name: 'Alex Wilber', aadObjectId: IDS.alex };
const MEGAN: Agent = { id: '29:megan', name: 'Megan Bowen', aadObjectId: IDS.megan };

/** DialogTestClient types replies as `any`; each is an activity the dialog sent. */
async function send(client: DialogTestClient, text: string): Promise<Partial<Activity>> {
  return (await client.sendActivity(text)) as Partial<Activity>;
}

function nextReply(client: DialogTestClient): Partial<Activity> {
  return client.getNextReply();
}

describe('ResetPasswordDialog', () => {
  let directory: FakeDirectory;
  let audit: AuditEvent[];
  let deps: ResetDependencies;

  beforeEach(() => {
    directory = FakeDirectory.withDemoPeople();
    audit = [];
    deps = {
      directory,
      pendingActions: new PendingActions(new KeyValuePendingActionStore(new MemoryStorage())),
      settings: { passwordWritebackEnabled: false, resetAs: 'bot' as const },
      audit: { record: (event) => audit.push(event) },
      rateLimits: noRateLimits(),
    };
  });

  function clientFor(
    agent: Agent,
    options: { query?: string } = {},
    where: Partial<Activity> | undefined = undefined,
  ): DialogTestClient {
    const sut = new ResetPasswordDialog(
      (context) => ({
        requester: { ...requesterOf(context), privateChat: new FakePrivateChat() },
        deps,
      }),
      pino({ level: 'silent' }),
    );
    // Every activity arrives as Teams would address it: from this agent, in their 1:1 chat with the bot
    // unless `where` says otherwise.
    const asTeams = new MiddlewareSet(async (context, next) => {
      const chat = personalChatWith(agent);
      Object.assign(context.activity, {
        from: chat.user,
        recipient: chat.bot,
        conversation: chat.conversation,
        ...where,
      });
      await next();
    });
    return new DialogTestClient('msteams', sut, options, [asTeams]);
  }

  it('shows the confirmation card when the name matches one resettable user', async () => {
    const client = clientFor(ALEX, { query: 'megan' });
    const reply = await send(client, 'reset password for megan');
    const card = cardOf(reply);
    assert.ok(card, 'expected a card');
    const text = JSON.stringify(card);
    assert.match(text, /Megan Bowen/);
    assert.match(text, /meganb@contoso\.com/);
    const verbs = executeActionsOf(card)
      .map((action) => action.verb)
      .sort();
    assert.deepEqual(verbs, ['cancelReset', 'confirmReset']);
    assert.equal(client.dialogTurnResult.status, DialogTurnStatus.complete);
    assert.equal(directory.passwordChanges.length, 0, 'nothing is reset before the click');
  });

  it('asks which user when the message names nobody, then continues with the answer', async () => {
    const client = clientFor(ALEX);
    const question = await send(client, 'reset');
    assert.match(String(question.text), /Which user\?/);
    const reply = await send(client, 'adele');
    assert.match(JSON.stringify(cardOf(reply)), /Adele Vance/);
  });

  for (const [where, template, howToReply] of [
    ['channel', channelThread(), 'Reply in this thread with @Helpdesk Reset'],
    ['group chat', groupChat(), 'Reply with @Helpdesk Reset'],
  ] as const) {
    it(`in a ${where}, asks for the answer with an @mention of the bot, which Teams needs to deliver it`, async () => {
      const client = clientFor(ALEX, {}, template);
      const question = await send(client, 'reset');
      assert.ok(
        String(question.text).startsWith(`Which user? ${howToReply} and their name or user principal name`),
        question.text,
      );
      const answer = await send(client, 'adele');
      assert.match(JSON.stringify(cardOf(answer)), /Adele Vance/);
    });
  }

  it('says so and asks again when nobody matches', async () => {
    const client = clientFor(ALEX, { query: 'zelda' });
    const notFound = await send(client, 'reset zelda');
    assert.match(JSON.stringify(cardOf(notFound)), /found nobody matching \\"zelda\\"/);
    const question = nextReply(client);
    assert.match(String(question.text), /Which user\?/);
    assert.equal(client.dialogTurnResult.status, DialogTurnStatus.waiting);
  });

  it('offers a picker when several users match, one button per candidate', async () => {
    const client = clientFor(ALEX, { query: 'meg' });
    const reply = await send(client, 'reset meg');
    const actions = executeActionsOf(cardOf(reply)).filter((action) => action.verb === 'selectUser');
    assert.deepEqual(actions.map((action) => action.data?.userId).sort(), [IDS.megan, IDS.meghan].sort());
    assert.equal(new Set(actions.map((action) => action.data?.selectionId)).size, 1);
  });

  it('after a picker, takes a more specific name typed instead of a click', async () => {
    const client = clientFor(ALEX, { query: 'meg' });
    await send(client, 'reset meg');
    assert.equal(client.dialogTurnResult.status, DialogTurnStatus.waiting);
    const reply = await send(client, 'Megan Bowen');
    assert.match(JSON.stringify(cardOf(reply)), /meganb@contoso\.com/);
    assert.ok(executeActionsOf(cardOf(reply)).some((action) => action.verb === 'confirmReset'));
  });

  it('tells an ordinary employee that only helpdesk administrators can use the bot', async () => {
    const client = clientFor(MEGAN, { query: 'adele' });
    const reply = await send(client, 'reset adele');
    const text = JSON.stringify(cardOf(reply));
    assert.match(text, /Only helpdesk administrators/);
    assert.equal(executeActionsOf(cardOf(reply)).length, 0);
    assert.ok(
      audit.some((event) => event.action === 'reset-refused' && event.reason === 'requester-not-admin'),
    );
  });

  it('refuses a target protected by a role and names the role', async () => {
    const client = clientFor(ALEX, { query: 'patti' });
    const reply = await send(client, 'reset patti');
    const text = JSON.stringify(cardOf(reply));
    assert.match(text, /Global Administrator/);
    assert.equal(executeActionsOf(cardOf(reply)).length, 0, 'no confirm button for a refused reset');
  });

  it('refuses the agent their own password and points to self-service reset', async () => {
    const client = clientFor(ALEX, { query: 'alexw@contoso.com' });
    const reply = await send(client, 'reset alexw@contoso.com');
    assert.match(JSON.stringify(cardOf(reply)), /aka\.ms\/sspr/);
  });

  it('fails closed with guidance and the request id when the directory is unavailable', async () => {
    const outage = new GraphError(503, 'Service unavailable');
    outage.code = 'serviceNotAvailable';
    outage.requestId = 'req-503';
    directory.failures.getUserRoles = outage;
    const client = clientFor(ALEX, { query: 'megan' });
    const reply = await send(client, 'reset megan');
    const text = JSON.stringify(cardOf(reply));
    assert.match(text, /req-503/);
    assert.equal(executeActionsOf(cardOf(reply)).length, 0);
  });

  it('rejects an over-long name and asks again', async () => {
    const client = clientFor(ALEX);
    await send(client, 'reset');
    const reply = await send(client, 'x'.repeat(300));
    assert.match(String(reply.text), /does not look like a name/);
    assert.match(String(nextReply(client).text), /Which user\?/);
  });
});
