import assert from 'node:assert/strict';
import { type Activity, MemoryStorage, TestAdapter } from 'botbuilder';
import pino from 'pino';
import sinon from 'sinon';
import { BackgroundWork } from '../../bot/backgroundWork';
import { OriginCards } from '../../bot/originCards';
import { teamsRequesters } from '../../bot/requesters';
import { FakeProactiveAdapter } from '../support/fakeProactiveAdapter';
import { CardActionHandler } from '../../bot/cardActions';
import { PerUserConversationState } from '../../bot/conversationState';
import { HelpdeskBot } from '../../bot/helpdeskBot';
import type { AdaptiveCardJson } from '../../cards';
import { validateCard } from '../../cards/validateCard';
import { PENDING_ACTION_LIFETIME_MS, PendingActions } from '../../core/pendingActions';
import type { ResetDependencies } from '../../core/resets';
import { ResetPasswordDialog } from '../../dialogs/resetPasswordDialog';
import { KeyValuePendingActionStore } from '../../storage/keyValuePendingActionStore';
import { FakeDirectory, IDS, ROLE } from '../support/fakeDirectory';
import {
  type Agent,
  automaticRefreshFor,
  cardInvoke,
  cardOf,
  channelThread,
  executeActionsOf,
  groupChat,
  manualRefreshOf,
  mentioningBot,
  personalChatWith,
} from '../support/teamsActivities';
import { noRateLimits } from '../support/rateLimits';

const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: IDS.alex as string };
const LYNNE = { id: '29:lynne', name: 'Lynne Robbins', aadObjectId: 'e1a00000-0000-4000-8000-000000000006' };

interface InvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

/** The buttons a viewer can press: the card's Action.Execute actions, not counting its refresh action. */
function buttonsOf(card: unknown): string[] {
  const rest = { ...(card as Record<string, unknown>), refresh: undefined };
  return executeActionsOf(rest)
    .map((action) => String(action.verb))
    .sort();
}

function refreshOf(card: unknown): { action: Record<string, unknown>; userIds: string[] } | undefined {
  return (card as { refresh?: { action: Record<string, unknown>; userIds: string[] } }).refresh;
}

function assertValid(card: unknown): void {
  assert.deepEqual(validateCard(card as AdaptiveCardJson), [], JSON.stringify(card).slice(0, 200));
}

/**
 * Universal Actions user-specific views (Teams, "User Specific Views"): in a channel or group chat the card
 * as posted shows everyone a view without buttons, and Teams refreshes it into the buttons for the
 * requester's Teams id alone; the answer to every refresh is decided from the pending action on the server.
 */
describe('cards in channels and group chats: only the requester sees the buttons', () => {
  let directory: FakeDirectory;
  let deps: ResetDependencies;
  let clock: Date;
  let adapter: TestAdapter;

  function botOn(template: Partial<Activity>): TestAdapter {
    const storage = new MemoryStorage();
    deps = {
      directory,
      pendingActions: new PendingActions(new KeyValuePendingActionStore(storage), () => clock),
      settings: { passwordWritebackEnabled: false, resetAs: 'bot' as const },
      audit: { record: () => undefined },
      rateLimits: noRateLimits(),
    };
    const logger = pino({ level: 'silent' });
    const proactive = new FakeProactiveAdapter();
    const readRequester = teamsRequesters(proactive, '', logger);
    const bot = new HelpdeskBot(
      new PerUserConversationState(storage),
      new ResetPasswordDialog((context) => ({ requester: readRequester(context), deps }), logger),
      new CardActionHandler(deps, {
        directoryWithin: () => directory,
        readRequester,
        originCards: new OriginCards(proactive, '', logger),
        background: new BackgroundWork(logger),
        clickBudgetMs: 20_000,
        answerLeadMs: 0,
        logger,
      }),
      logger,
    );
    return new TestAdapter((context) => bot.run(context), template);
  }

  beforeEach(() => {
    clock = new Date();
    directory = FakeDirectory.withDemoPeople();
    directory.add(
      { ...directory.users.get(IDS.alex)!, id: LYNNE.aadObjectId, displayName: 'Lynne Robbins' },
      [ROLE.passwordAdministrator],
    );
    adapter = botOn(channelThread());
  });

  /** Alex @mentions the bot; returns the card the bot posted. */
  async function post(text: string, from: Agent = ALEX): Promise<Record<string, unknown>> {
    adapter.activeQueue.splice(0);
    await adapter.processActivity({ ...mentioningBot(text), from });
    const card = adapter.activeQueue.map(cardOf).find((found) => found !== undefined);
    assert.ok(card, `a card: ${JSON.stringify(adapter.activeQueue.map((activity) => activity.text))}`);
    return card;
  }

  async function invoke(
    verb: string,
    data: Record<string, unknown>,
    from: Agent,
    trigger: 'manual' | 'automatic' = 'manual',
  ): Promise<InvokeBody> {
    adapter.activeQueue.splice(0);
    const activity = cardInvoke(verb, data);
    await adapter.processActivity({
      ...activity,
      value: { ...(activity.value as object), trigger },
      from,
    });
    const response = adapter.activeQueue.find((reply) => reply.type === 'invokeResponse');
    assert.ok(response, 'expected an invoke response');
    return (response.value as { body: InvokeBody }).body;
  }

  /**
   * What Teams does: an automatic adaptiveCard/action with the refresh action for a user in
   * `refresh.userIds`, a manual one for anyone who chooses Refresh.
   */
  function refreshAs(card: unknown, from: Agent, trigger: 'manual' | 'automatic'): Promise<InvokeBody> {
    const action = trigger === 'automatic' ? automaticRefreshFor(card, from.id) : manualRefreshOf(card);
    assert.ok(action, `Teams would not refresh this card for ${from.id} (${trigger})`);
    return invoke(action.verb, action.data, from, trigger);
  }

  it('posts the confirmation to the channel without buttons, saying whose confirmation it waits for', async () => {
    const posted = await post('reset meganb@contoso.com');
    assertValid(posted);
    assert.deepEqual(buttonsOf(posted), []);
    const text = JSON.stringify(posted);
    assert.match(text, /Megan Bowen/);
    assert.match(text, /Waiting for Alex Wilber to confirm/);
    const refresh = refreshOf(posted);
    assert.ok(refresh);
    assert.deepEqual(refresh.userIds, [ALEX.id], "the requester's Teams id, from from.id");
    assert.equal(refresh.action.type, 'Action.Execute');
    assert.deepEqual(Object.keys(refresh.action.data as object), ['resetId']);
  });

  it("refreshes into Reset password and Cancel for the requester's client", async () => {
    const posted = await post('reset meganb@contoso.com');
    const refreshed = await refreshAs(posted, ALEX, 'automatic');
    assert.equal(refreshed.type, 'application/vnd.microsoft.card.adaptive');
    assertValid(refreshed.value);
    assert.deepEqual(buttonsOf(refreshed.value), ['cancelReset', 'confirmReset']);
    assert.match(JSON.stringify(refreshed.value), /meganb@contoso\.com/);
    assert.deepEqual(refreshOf(refreshed.value), refreshOf(posted), 'it stays a user-specific view');
  });

  it('shows anyone else the waiting view on a refresh, whatever Teams id they claim', async () => {
    const posted = await post('reset meganb@contoso.com');
    const lynne = await refreshAs(posted, LYNNE, 'manual');
    const impostor = await refreshAs(posted, { ...LYNNE, id: ALEX.id }, 'automatic');
    const anonymous = await refreshAs(posted, { id: ALEX.id, name: ALEX.name }, 'automatic');
    for (const body of [lynne, impostor, anonymous]) {
      assertValid(body.value);
      assert.deepEqual(buttonsOf(body.value), []);
      assert.match(JSON.stringify(body.value), /Waiting for Alex Wilber to confirm/);
    }
    assert.equal(directory.passwordChanges.length, 0);
  });

  it("still refuses anyone else's click on the requester's buttons", async () => {
    const posted = await post('reset meganb@contoso.com');
    const resetId = (refreshOf(posted)?.action.data as { resetId: string }).resetId;
    const click = await invoke('confirmReset', { resetId }, LYNNE);
    assert.match(String(click.value), /Only the agent who asked/);
    assert.equal(directory.passwordChanges.length, 0);
  });

  it('shows a used card as closed to everyone, the requester included', async () => {
    const posted = await post('reset meganb@contoso.com');
    const resetId = (refreshOf(posted)?.action.data as { resetId: string }).resetId;
    await invoke('cancelReset', { resetId }, ALEX);
    for (const [viewer, trigger] of [
      [ALEX, 'automatic'],
      [LYNNE, 'manual'],
    ] as const) {
      const body = await refreshAs(posted, viewer, trigger);
      assertValid(body.value);
      assert.deepEqual(buttonsOf(body.value), []);
      assert.match(JSON.stringify(body.value), /This card has been used/);
      assert.equal(refreshOf(body.value), undefined, 'a closed card is no longer refreshed');
    }
  });

  it('shows an expired card as expired, without buttons, to the requester', async () => {
    const posted = await post('reset meganb@contoso.com');
    clock = new Date(clock.getTime() + PENDING_ACTION_LIFETIME_MS + 1);
    const body = await refreshAs(posted, ALEX, 'automatic');
    assert.deepEqual(buttonsOf(body.value), []);
    assert.match(JSON.stringify(body.value), /expired/);
  });

  it('answers a refresh for an unknown or malformed id without buttons', async () => {
    const unknown = await invoke('refreshCard', { resetId: '7d0a3b54-1c2d-4e5f-8a9b-0c1d2e3f4a5b' }, ALEX);
    assert.deepEqual(buttonsOf(unknown.value), []);
    assert.match(JSON.stringify(unknown.value), /no longer valid/);
    const malformed = await invoke('refreshCard', { resetId: '../x' }, ALEX);
    assert.match(String(malformed.value), /not valid/);
  });

  it('posts the picker without buttons; the requester gets Select and an @mention hint', async () => {
    const posted = await post('reset meg');
    assertValid(posted);
    assert.deepEqual(buttonsOf(posted), []);
    assert.match(JSON.stringify(posted), /Waiting for Alex Wilber to choose/);
    assert.deepEqual(Object.keys(refreshOf(posted)?.action.data as object), ['selectionId']);

    const others = await refreshAs(posted, LYNNE, 'manual');
    assert.deepEqual(buttonsOf(others.value), []);

    const mine = await refreshAs(posted, ALEX, 'automatic');
    assertValid(mine.value);
    assert.deepEqual(buttonsOf(mine.value), ['selectUser', 'selectUser']);
    assert.match(
      JSON.stringify(mine.value),
      /Reply in this thread with @Helpdesk Reset and a more specific name or the UPN/,
    );
  });

  it('turns the posted picker into the waiting confirmation when the requester picks', async () => {
    const posted = await post('reset meg');
    const mine = await refreshAs(posted, ALEX, 'automatic');
    const pick = executeActionsOf(mine.value).find((action) => action.data?.userId === IDS.megan);
    assert.ok(pick);
    const update = sinon.spy(adapter, 'updateActivity');
    const picked = await invoke('selectUser', pick.data ?? {}, ALEX);

    assertValid(picked.value);
    assert.deepEqual(buttonsOf(picked.value), ['cancelReset', 'confirmReset']);
    const resetKey = refreshOf(picked.value)?.action.data;
    assert.deepEqual(Object.keys(resetKey as object), ['resetId']);

    sinon.assert.calledOnce(update);
    const everyone = update.firstCall.args[1].attachments?.[0]?.content as unknown;
    assertValid(everyone);
    assert.deepEqual(buttonsOf(everyone), []);
    assert.match(JSON.stringify(everyone), /Waiting for Alex Wilber to confirm/);
    assert.deepEqual(refreshOf(everyone)?.action.data, resetKey);
    assert.deepEqual(refreshOf(everyone)?.userIds, [ALEX.id]);
  });

  it('does the same in a group chat', async () => {
    adapter = botOn(groupChat());
    const posted = await post('reset meganb@contoso.com');
    assert.deepEqual(buttonsOf(posted), []);
    assert.deepEqual(refreshOf(posted)?.userIds, [ALEX.id]);
    const mine = await refreshAs(posted, ALEX, 'automatic');
    assert.deepEqual(buttonsOf(mine.value), ['cancelReset', 'confirmReset']);
  });

  it('posts the whole card, without a refresh, in a 1:1 chat, where only the requester sees it', async () => {
    adapter = botOn({ ...personalChatWith(ALEX), recipient: { id: '28:bot', name: 'Helpdesk Reset' } });
    adapter.activeQueue.splice(0);
    await adapter.processActivity({ type: 'message', text: 'reset meganb@contoso.com', from: ALEX });
    const card = adapter.activeQueue.map(cardOf).find((found) => found !== undefined);
    assertValid(card);
    assert.deepEqual(buttonsOf(card), ['cancelReset', 'confirmReset']);
    assert.equal(refreshOf(card), undefined);
  });
});
