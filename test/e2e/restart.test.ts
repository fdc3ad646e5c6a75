import assert from 'node:assert/strict';
import type { AuditRecord } from '../../core/audit';
import { auditCommand, deliveredPasswords } from '../support/auditTrail';
import { logLine } from '../support/botProcess';
import { ALEX, BotOverHttp, cardIn, CARD_ID, MEGAN_ID } from '../support/botOverHttp';
import { executeActionsOf } from '../support/teamsActivities';

/** The audit records a process logged (`"audit":true` lines), by action. */
function auditedBy(output: string[]): string[] {
  return output
    .map(logLine)
    .filter((line) => line?.audit === true)
    .map((line) => String(line?.action));
}

/** The first update of the clicked card after the connector's first `since` calls. */
async function cardUpdateAfter(bot: BotOverHttp, since: number): Promise<string> {
  const update = await bot.connector.waitFor(
    (call) =>
      bot.connector.calls.indexOf(call) >= since &&
      call.operation === 'updateActivity' &&
      call.activity?.id === CARD_ID,
    25_000,
  );
  return JSON.stringify(cardIn(update));
}

/** The answer a click is given as a short message (the card stays as it was). */
function messageOf(answer: { body: unknown }): string {
  return String((answer.body as { value?: unknown }).value);
}

/**
 * A deployment between showing a card and clicking it: the bot process is stopped (SIGTERM) and a new one
 * started on the same SQLite store. The old card still works, exactly once, and the audit trail `npm run
 * audit` prints links every step across both processes by the card's id, with no password in it.
 */
describe('end to end, bot processes: a restart between a card and its click', function () {
  this.timeout(60_000);

  let bot: BotOverHttp;
  beforeEach(async () => {
    bot = await BotOverHttp.startProcess();
  });
  afterEach(async () => {
    await bot.close();
  });

  /** `npm run audit` in each format, after the bot stopped (so that every record is flushed). */
  async function printedTrail(): Promise<{
    records: AuditRecord[];
    table: string;
    csv: string;
    json: string;
  }> {
    const [json, table, csv] = await Promise.all([
      auditCommand(bot, 'json'),
      auditCommand(bot, 'table'),
      auditCommand(bot, 'csv'),
    ]);
    return { records: JSON.parse(json) as AuditRecord[], json, table, csv };
  }

  /** No password in what `npm run audit` printed, in the store's bytes on disk, or in any log line. */
  function assertKeptNowhere(password: string, printed: { json: string; table: string; csv: string }): void {
    for (const [format, output] of Object.entries({
      json: printed.json,
      table: printed.table,
      csv: printed.csv,
    })) {
      assert.ok(!output.includes(password), `the password is in the ${format} trail`);
    }
    assert.ok(!bot.storedBytes().includes(password), 'the password is in the SQLite files');
    assert.ok(!bot.logs.text.includes(password), 'the password is in a log line');
  }

  it('resets once from a confirmation card shown before the restart, and the trail holds every step', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    const first = bot.process;
    assert.equal(await bot.restart(), 0, 'the first process exits 0 on SIGTERM');

    const since = bot.connector.calls.length;
    const click = await bot.click(bot.personal(''), 'confirmReset', { resetId });
    assert.equal(click.status, 200);
    assert.match(JSON.stringify(click.body), /Resetting/);
    assert.match(await cardUpdateAfter(bot, since), /temporary password was sent only to Alex Wilber/);
    assert.equal(await bot.passwordChanges(), 1);
    const passwords = await deliveredPasswords(bot);
    assert.equal(passwords.length, 1, 'the password was delivered once');
    const [password] = passwords as [string];

    const again = await bot.click(bot.personal(''), 'confirmReset', { resetId });
    assert.equal(again.status, 200);
    assert.match(messageOf(again), /already been used/);
    assert.equal(await bot.passwordChanges(), 1, 'the repeat click changed nothing');
    const second = bot.process;
    assert.equal(await second.stop(), 0, 'the second process exits 0 on SIGTERM');

    // Who wrote what: the offer by the process that showed the card, the reset by the one that did it.
    assert.deepEqual(auditedBy(first.output()), ['reset-offered']);
    assert.deepEqual(auditedBy(second.output()), ['reset-succeeded', 'card-action-rejected']);
    const printed = await printedTrail();
    const trail = printed.records;
    assert.deepEqual(
      trail.map((record) => [record.event.action, record.event.pendingActionId, record.event.reason]),
      [
        ['reset-offered', resetId, undefined],
        ['reset-succeeded', resetId, undefined],
        ['card-action-rejected', resetId, 'already-used'],
      ],
    );
    const succeeded = trail[1]?.event;
    assert.equal(succeeded?.targetId, MEGAN_ID);
    assert.equal(succeeded?.requesterAadObjectId, ALEX.aadObjectId);
    assert.equal(succeeded?.passwordDelivery, 'delivered');

    assert.match(printed.table, /reset-offered .*meganb@contoso\.com/);
    assert.match(printed.table, /3 records\n$/);
    const csv = printed.csv.trim().split('\n');
    assert.equal(csv.length, 4, 'a header and three records');
    assert.ok(csv.slice(1).every((row) => row.includes(resetId)));
    assertKeptNowhere(password, printed);
  });

  it('picks, confirms and resets once from a picker shown before the restart', async () => {
    const asked = bot.personal('reset megan');
    const picker = await bot.asSeenBy(asked, await bot.firstCardFor(asked));
    const pick = executeActionsOf(picker).find(
      (action) => action.verb === 'selectUser' && action.data?.userId === MEGAN_ID,
    );
    assert.ok(pick?.data, `expected a picker offering Megan Bowen: ${JSON.stringify(picker)}`);
    assert.equal(await bot.restart(), 0, 'the first process exits 0 on SIGTERM');

    const picked = await bot.click(bot.personal(''), 'selectUser', pick.data);
    assert.equal(picked.status, 200);
    const confirm = executeActionsOf((picked.body as { value?: unknown }).value).find(
      (action) => action.verb === 'confirmReset',
    );
    assert.ok(confirm, `expected the confirmation in the pick's answer: ${JSON.stringify(picked.body)}`);
    const resetId = String(confirm.data?.resetId);
    const pickedAgain = await bot.click(bot.personal(''), 'selectUser', pick.data);
    assert.match(messageOf(pickedAgain), /already been used/);

    const since = bot.connector.calls.length;
    const click = await bot.click(bot.personal(''), 'confirmReset', { resetId });
    assert.equal(click.status, 200);
    assert.match(await cardUpdateAfter(bot, since), /temporary password was sent only to Alex Wilber/);
    assert.equal(await bot.passwordChanges(), 1);
    const passwords = await deliveredPasswords(bot);
    assert.equal(passwords.length, 1, 'the password was delivered once');
    assert.equal(await bot.process.stop(), 0);

    const printed = await printedTrail();
    const trail = printed.records;
    const ofCard = trail.filter((record) => record.event.pendingActionId === resetId);
    assert.deepEqual(
      ofCard.map((record) => record.event.action),
      ['reset-offered', 'reset-succeeded'],
    );
    assert.equal(trail.filter((record) => record.event.action === 'reset-succeeded').length, 1);
    assertKeptNowhere(passwords[0] ?? '', printed);
  });
});
