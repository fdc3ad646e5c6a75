import assert from 'node:assert/strict';
import { BotOverHttp, CARD_ID, cardIn } from '../support/botOverHttp';
import { executeActionsOf } from '../support/teamsActivities';

const HELPDESK_AGENTS = 'e1a0c000-0000-4000-8000-000000000006';
const PROTECTED_ACCOUNTS = 'e1a0c000-0000-4000-8000-000000000007';
const ISAIAH_ID = 'e1a00000-0000-4000-8000-000000000004';
const ADELE_ID = 'e1a00000-0000-4000-8000-000000000003';
/** Helpdesk Administrator through the role-assignable group Helpdesk Team, not in Helpdesk Agents. */
const MIRIAM = {
  id: '29:miriam',
  name: 'Miriam Graham',
  aadObjectId: 'e1a00000-0000-4000-8000-00000000000e',
};

interface AuditLine {
  audit: true;
  action: string;
  reason?: string;
  targetId?: string;
  requesterAadObjectId?: string;
  rateLimit?: { limit: string; max: number };
}

/**
 * The deployment's abuse controls over HTTP, against the simulated tenant: the helpdesk group, protected
 * accounts (by id, and through a nested group), and the reset limits, each refused with a message, an audit
 * line and no password change in the tenant.
 */
describe('end to end over HTTP: abuse controls (helpdesk group, protected accounts, reset limits)', function () {
  this.timeout(90_000);

  let bot: BotOverHttp;

  before(async () => {
    bot = await BotOverHttp.start({
      GRAPH_TIMEOUT_SECONDS: '10',
      HELPDESK_GROUP_ID: HELPDESK_AGENTS,
      PROTECTED_USER_IDS: ISAIAH_ID,
      PROTECTED_GROUP_IDS: PROTECTED_ACCOUNTS,
      RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR: '10',
      RATE_LIMIT_RESETS_PER_TARGET_PER_DAY: '1',
    });
  });

  after(async () => {
    await bot?.close();
  });

  beforeEach(async () => {
    await bot.reset();
  });

  function auditLines(): AuditLine[] {
    return bot.logs.lines
      .map((line) => JSON.parse(line) as Partial<AuditLine>)
      .filter((line): line is AuditLine => line.audit === true);
  }

  /** The cards that replaced the clicked card, in order, once every click's work has finished. */
  async function outcomeCards(): Promise<string[]> {
    await bot.app.idle();
    return bot.connector.calls
      .filter((call) => call.operation === 'updateActivity' && call.activity?.id === CARD_ID)
      .map((call) => JSON.stringify(cardIn(call)));
  }

  it('refuses an administrator outside the helpdesk group, before any search, and audits it', async () => {
    const card = await bot.firstCardFor(bot.personal('reset megan', MIRIAM));

    assert.equal(executeActionsOf(card).length, 0);
    assert.match(JSON.stringify(card), /Only members of the helpdesk group can use this bot/);
    assert.equal(await bot.passwordChanges(), 0);
    assert.ok(
      auditLines().some(
        (line) =>
          line.action === 'reset-refused' &&
          line.reason === 'requester-not-in-helpdesk-group' &&
          line.requesterAadObjectId === MIRIAM.aadObjectId,
      ),
    );
  });

  it('refuses a protected account by object id, without a button, and audits it', async () => {
    const card = await bot.firstCardFor(bot.personal('reset isaiahl@contoso.com'));

    assert.equal(executeActionsOf(card).length, 0);
    assert.match(JSON.stringify(card), /account is protected/);
    assert.doesNotMatch(JSON.stringify(card), /PROTECTED_USER_IDS|Protected Accounts/);
    assert.equal(await bot.passwordChanges(), 0);
    assert.ok(auditLines().some((line) => line.reason === 'target-protected' && line.targetId === ISAIAH_ID));
  });

  it('refuses a member of a protected group through a nested group (checkMemberGroups is transitive)', async () => {
    const card = await bot.firstCardFor(bot.personal('reset aoife.obrien@contoso.com'));

    assert.equal(executeActionsOf(card).length, 0);
    assert.match(JSON.stringify(card), /account is protected/);
    assert.equal(await bot.passwordChanges(), 0);
    assert.ok(auditLines().some((line) => line.reason === 'target-protected'));
  });

  it('refuses a second reset of the same user within a day before the card, saying when, and audits the limit', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    await bot.click(bot.personal(''), 'confirmReset', { resetId });
    assert.match((await outcomeCards())[0] ?? '', /temporary password/i);
    assert.equal(await bot.passwordChanges(), 1);

    const card = await bot.firstCardFor(bot.personal('reset meganb@contoso.com'));

    assert.equal(executeActionsOf(card).length, 0);
    assert.match(JSON.stringify(card), /already been reset 1 time .*in the last 24 hours.*in about 24 hours/);
    assert.equal(await bot.passwordChanges(), 1, 'no second password change');
    const refused = auditLines().find((line) => line.reason === 'rate-limited');
    assert.deepEqual(refused?.rateLimit && { limit: refused.rateLimit.limit, max: refused.rateLimit.max }, {
      limit: 'per-target',
      max: 1,
    });
  });

  it('enforces the limit on the click: of two cards shown for the same user, the second click changes nothing', async () => {
    const first = await bot.confirmationFor(bot.personal('reset adelev@contoso.com'));
    const second = await bot.confirmationFor(bot.personal('reset adelev@contoso.com'));

    await bot.click(bot.personal(''), 'confirmReset', { resetId: first });
    await bot.app.idle();
    await bot.click(bot.personal(''), 'confirmReset', { resetId: second });
    const [done, refused] = await outcomeCards();

    assert.match(done ?? '', /temporary password/i);
    assert.match(refused ?? '', /was not reset.*already been reset 1 time/);
    assert.equal(await bot.passwordChanges(), 1, 'one password change only');
    const adele = auditLines().filter((line) => line.targetId === ADELE_ID);
    assert.equal(adele.filter((line) => line.action === 'reset-succeeded').length, 1);
    assert.ok(adele.some((line) => line.action === 'reset-refused' && line.reason === 'rate-limited'));
  });
});
