import assert from 'node:assert/strict';
import type { AuditRecord } from '../../core/audit';
import { auditCommand, deliveredPasswords } from '../support/auditTrail';
import { logLine } from '../support/botProcess';
import { BotOverHttp, CARD_ID } from '../support/botOverHttp';

/** How long the simulated Graph holds the password change: the reset is in flight when SIGTERM comes. */
const HELD_MS = 2_500;

/**
 * SIGTERM while a reset is in flight, to the bot as production runs it: it stops taking turns at once, lets
 * the reset finish and deliver its password, flushes its audit record, and exits 0; past its grace period
 * (`SHUTDOWN_GRACE_SECONDS`) it exits 1 without waiting longer.
 */
describe('end to end, bot processes: a graceful stop with a reset in flight', function () {
  this.timeout(60_000);

  let bot: BotOverHttp;
  afterEach(async () => {
    await bot?.close();
  });

  /** Megan's reset confirmed while Graph holds the password change for `heldMs`; the click answered. */
  async function resetInFlight(heldMs: number): Promise<string> {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    await bot.simulatorControl('POST', '/_sim/faults', {
      method: 'PATCH',
      path: '^/v1\\.0/users/[^/]+$',
      kind: 'delay',
      delayMs: heldMs,
      count: 1,
    });
    const click = await bot.click(bot.personal(''), 'confirmReset', { resetId });
    assert.equal(click.status, 200);
    assert.match(JSON.stringify(click.body), /Resetting/);
    return resetId;
  }

  /** SIGTERM, and resolves once the bot has taken it (it logs "stopping"). */
  async function terminate(): Promise<void> {
    bot.process.terminate();
    await bot.process.waitForLine((line) => logLine(line)?.msg === 'stopping');
  }

  it('stops taking turns, finishes the reset, flushes its audit record and exits 0', async () => {
    bot = await BotOverHttp.startProcess();
    const resetId = await resetInFlight(HELD_MS);
    await terminate();

    const readyz = await fetch(`${bot.botUrl}/readyz`);
    assert.equal(readyz.status, 503, 'a load balancer sends a stopping bot no new turns');
    const turn = await bot.post(bot.personal('reset adelev@contoso.com'));
    assert.equal(turn.status, 503, 'a new turn is refused while the bot stops');
    assert.equal(await bot.passwordChanges(), 0, 'the held reset is still in flight');

    assert.equal(await bot.process.exitCode(), 0);
    assert.equal(await bot.passwordChanges(), 1);
    assert.equal(
      (await deliveredPasswords(bot)).length,
      1,
      'the password reached Alex before the bot stopped',
    );
    const outcome = bot.connector.calls.find(
      (call) => call.operation === 'updateActivity' && call.activity?.id === CARD_ID,
    );
    assert.match(JSON.stringify(outcome?.activity), /temporary password was sent only to Alex Wilber/);
    const trail = JSON.parse(await auditCommand(bot, 'json')) as AuditRecord[];
    assert.deepEqual(
      trail.map((record) => [record.event.action, record.event.pendingActionId]),
      [
        ['reset-offered', resetId],
        ['reset-succeeded', resetId],
      ],
      'the reset finished after SIGTERM is in the trail: its append was flushed before the exit',
    );
  });

  it('exits 1 when its grace period ends before the reset does, without waiting for it', async () => {
    bot = await BotOverHttp.startProcess({ SHUTDOWN_GRACE_SECONDS: '1' });
    await resetInFlight(4_000);
    await terminate();
    assert.equal(await bot.process.exitCode(), 1);
    assert.ok(
      bot.process
        .output()
        .some((line) => logLine(line)?.msg === 'stopped with work still running: the grace period ended'),
      'it says why',
    );
    assert.equal(await bot.passwordChanges(), 0, 'it exited while Graph still held the password change');
  });
});
