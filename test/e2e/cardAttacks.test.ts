import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { ALEX, BotOverHttp, type HttpAnswer, MEGAN_ID } from '../support/botOverHttp';

const KARA = { id: '29:kara', name: 'Kara Thomas', aadObjectId: 'e1a00000-0000-4000-8000-000000000023' };
const PATTI = {
  id: '29:patti',
  name: 'Patti Fernandez',
  aadObjectId: 'e1a00000-0000-4000-8000-000000000005',
};
const FOREIGN_TENANT = '0b0b0b0b-0000-4000-8000-00000000f0e1';
const RACING_CONFIRMS = 50;

/**
 * The attack run SECURITY.md cites: forged, replayed, foreign-tenant, expired and malformed clicks on a
 * real pending reset change no password, and the requester's own confirm, sent many times at once,
 * resets exactly once. The real server, over HTTP, against the simulated tenant.
 */
describe('card attacks over HTTP: forged clicks change nothing, racing confirms reset once', function () {
  this.timeout(120_000);

  let bot: BotOverHttp;
  before(async () => {
    bot = await BotOverHttp.start();
  });
  after(async () => {
    await bot?.close();
  });
  beforeEach(async () => {
    await bot.reset();
    bot.logs.lines.splice(0);
  });

  /** Alex's real confirmation card for Megan, in his 1:1 chat: the target every forgery aims at. */
  async function pendingReset(): Promise<{ resetId: string; data: Record<string, unknown> }> {
    const resetId = await bot.confirmationFor(bot.personal('reset password for meganb@contoso.com'));
    return { resetId, data: { resetId } };
  }

  /** Alex's 1:1 conversation as someone else (or with another tenant) claims to be in it. */
  function forgedOrigin(changes: { from?: Partial<Activity['from']>; tenantId?: string }): Partial<Activity> {
    const origin = bot.personal('', changes.from ?? ALEX);
    if (changes.tenantId === undefined) return origin;
    return {
      ...origin,
      conversation: { ...origin.conversation, tenantId: changes.tenantId } as Activity['conversation'],
      channelData: { tenant: { id: changes.tenantId } },
    };
  }

  /** Every forged click of the run, by kind: each names a way an attacker could try the card. */
  function forgeries(
    resetId: string,
  ): Array<{ kind: string; from: Partial<Activity>; verb: string; data: Record<string, unknown> }> {
    const confirm = (from: Partial<Activity>, data: Record<string, unknown> = { resetId }) => ({
      from,
      verb: 'confirmReset',
      data,
    });
    const asKara = forgedOrigin({ from: KARA });
    const kinds: Array<{
      kind: string;
      from: Partial<Activity>;
      verb: string;
      data: Record<string, unknown>;
    }> = [];
    const add = (
      kind: string,
      click: { from: Partial<Activity>; verb: string; data: Record<string, unknown> },
    ) => kinds.push({ kind, ...click });

    // Someone else of the tenant, a Helpdesk Administrator too, replays the requester's card data.
    for (const person of [KARA, PATTI, { ...KARA, id: ALEX.id }, { ...ALEX, aadObjectId: KARA.aadObjectId }])
      add('another person', confirm(forgedOrigin({ from: person })));
    add('no Entra object id', confirm(forgedOrigin({ from: { id: ALEX.id, name: ALEX.name } })));
    // The requester's own identity, from another tenant.
    add('foreign tenant', confirm(forgedOrigin({ tenantId: FOREIGN_TENANT })));
    add('foreign tenant, uppercase', confirm(forgedOrigin({ tenantId: FOREIGN_TENANT.toUpperCase() })));
    // Ids that name no pending action, or try to reach another storage key.
    for (const forgedId of [
      '00000000-0000-4000-8000-000000000000',
      resetId.toUpperCase(),
      `${resetId} `,
      `../${resetId}`,
      `pending-actions/${resetId}`,
      resetId.slice(0, -1),
      '',
      'x'.repeat(10_000),
      "' or 1 eq 1",
    ])
      add('forged id', confirm(forgedOrigin({}), { resetId: forgedId }));
    for (const wrongType of [null, 42, true, [resetId], { id: resetId }])
      add('malformed id', confirm(forgedOrigin({}), { resetId: wrongType }));
    add('no id', confirm(forgedOrigin({}), {}));
    // The right id with other fields an attacker might hope the bot trusts.
    add('retargeted', confirm(asKara, { resetId, userId: MEGAN_ID, requesterId: ALEX.aadObjectId }));
    add('retargeted', confirm(forgedOrigin({ from: PATTI }), { resetId, targetId: PATTI.aadObjectId }));
    // Verbs the card never offers, or offers for another step.
    for (const verb of ['ConfirmReset', 'confirmReset ', 'confirm', 'resetPassword', 'selectUser'])
      add('wrong verb', { from: asKara, verb, data: { resetId, userId: MEGAN_ID } });
    return kinds;
  }

  async function clickAll(
    clicks: Array<{ from: Partial<Activity>; verb: string; data: Record<string, unknown> }>,
  ): Promise<HttpAnswer[]> {
    return Promise.all(clicks.map((click) => bot.click(click.from, click.verb, click.data)));
  }

  it('forged, replayed, foreign-tenant, expired and malformed clicks change no password', async () => {
    const { resetId } = await pendingReset();
    const forged = forgeries(resetId);
    const answers = await clickAll(forged);
    await bot.app.idle();

    // A cancelled card, replayed by its own requester.
    const cancelled = await pendingReset();
    assert.equal((await bot.click(bot.personal(''), 'cancelReset', cancelled.data)).status, 200);
    const replays = await clickAll([
      { from: bot.personal(''), verb: 'confirmReset', data: cancelled.data },
      { from: bot.personal(''), verb: 'cancelReset', data: cancelled.data },
    ]);

    // An expired card: the stored action's lifetime is over (as if its 15 minutes had passed).
    const expired = await pendingReset();
    await expire(expired.resetId);
    const late = await bot.click(bot.personal(''), 'confirmReset', expired.data);
    await bot.app.idle();

    const total = forged.length + replays.length + 1;
    const changed = await bot.passwordChanges();
    const serverErrors = [...answers, ...replays, late].filter((answer) => answer.status >= 500).length;
    console.log(`      forged clicks: ${total}, passwords changed: ${changed}, 5xx answers: ${serverErrors}`);
    assert.equal(changed, 0, 'a forged, replayed or expired click changed a password');
    assert.equal(serverErrors, 0, 'a forged click got a 5xx');
    assert.ok(!bot.logs.text.includes('"action":"reset-succeeded"'), 'a reset was audited as done');

    // The real card is still the requester's to use: forgeries burned nothing.
    const { status } = await bot.click(bot.personal(''), 'confirmReset', { resetId });
    assert.equal(status, 200);
    await bot.app.idle();
    assert.equal(await bot.passwordChanges(), 1, "the requester's own click still resets");
  });

  it(`${RACING_CONFIRMS} racing confirms of one card reset the password exactly once`, async () => {
    const { data } = await pendingReset();
    const answers = await clickAll(
      Array.from({ length: RACING_CONFIRMS }, () => ({
        from: bot.personal(''),
        verb: 'confirmReset',
        data,
      })),
    );
    await bot.app.idle();
    assert.ok(answers.every((answer) => answer.status === 200));
    const changes = await bot.passwordChanges();
    console.log(`      racing confirms: ${RACING_CONFIRMS}, resets applied: ${changes}`);
    assert.equal(changes, 1);
    let delivered = 0;
    for (const call of bot.connector.calls.filter((c) => c.operation !== 'updateActivity'))
      if ((await bot.passwordThatSignsIn(call)) !== undefined) delivered += 1;
    assert.equal(delivered, 1, 'exactly one message carries a password that signs in');
    assert.equal(
      bot.logs.text.split('"action":"reset-succeeded"').length - 1,
      1,
      'exactly one reset is audited as done',
    );
  });

  /** Moves a stored pending action's expiry into the past, as time would. */
  async function expire(resetId: string): Promise<void> {
    const key = `pending-actions/${resetId}`;
    const items = await bot.store().read([key]);
    const item = items[key] as { action: { expiresAt: string }; eTag?: string };
    assert.ok(item, 'the pending action is stored');
    item.action.expiresAt = new Date(Date.now() - 1000).toISOString();
    await bot.store().write({ [key]: { ...item, eTag: '*' } });
  }
});
