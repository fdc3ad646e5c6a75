import assert from 'node:assert/strict';
import type { AdaptiveCardJson } from '../../cards';
import { validateCard } from '../../cards/validateCard';
import { BotOverHttp, cardIn, MEGAN_ID } from '../support/botOverHttp';
import { executeActionsOf } from '../support/teamsActivities';

/**
 * `CALLER_VERIFICATION=required` over HTTP: the real server against the simulated tenant, with a loopback
 * Bot Connector. A click that leaves out how the caller was verified changes no password; the same card
 * with it resets, and the audit line says how the caller was verified and names the ticket.
 */
describe('end to end over HTTP: caller verification required', function () {
  this.timeout(60_000);

  let bot: BotOverHttp;
  before(async () => {
    bot = await BotOverHttp.start({ CALLER_VERIFICATION: 'required', TICKET_REFERENCE: 'optional' });
  });
  after(async () => {
    await bot?.close();
  });

  const control = (method: string, path: string, body?: unknown) => bot.simulatorControl(method, path, body);

  /** Reset password as Teams sends it: the action's data merged with the card's input values. */
  function clickResetPassword(data: Record<string, unknown>) {
    return bot.click(bot.personal(''), 'confirmReset', data);
  }

  function auditLines(action: string): Record<string, unknown>[] {
    return bot.logs.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record.audit === true && record.action === action);
  }

  it('changes no password without it, and resets with it, recording how and the ticket', async () => {
    const card = (await bot.firstCardFor(bot.personal('reset meganb@contoso.com'))) as AdaptiveCardJson & {
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
    await bot.app.idle();
    assert.equal(await bot.passwordChanges(), 0, 'no password write reached Graph');
    assert.deepEqual(await control('GET', `/_sim/users/${MEGAN_ID}/state`), before);
    assert.equal(
      bot.connector.calls.filter((call) => call.operation === 'updateActivity').length,
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
    await bot.app.idle();
    assert.equal(await bot.passwordChanges(), 1);
    const after = await control('GET', `/_sim/users/${MEGAN_ID}/state`);
    assert.equal(after.forceChangePasswordNextSignIn, true);

    const [success] = auditLines('reset-succeeded');
    assert.equal(success?.callerVerification, 'call-back');
    assert.equal(success?.ticketReference, 'INC0012345');
    assert.equal(success?.targetId, MEGAN_ID);

    const outcome = bot.connector.calls.find((call) => call.operation === 'updateActivity');
    const outcomeText = JSON.stringify(outcome && cardIn(outcome));
    assert.match(outcomeText, /Caller verified: Called back on the number on file\./);
    assert.match(outcomeText, /Ticket: INC0012345/);
  });
});
