import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TestAdapter } from 'botbuilder';
import pino from 'pino';
import { RecordedAuditLog } from '../../bot/auditLog';
import { BackgroundWork } from '../../bot/backgroundWork';
import { CardActionHandler } from '../../bot/cardActions';
import { PerUserConversationState } from '../../bot/conversationState';
import { HelpdeskBot } from '../../bot/helpdeskBot';
import { OriginCards } from '../../bot/originCards';
import { teamsRequesters } from '../../bot/requesters';
import { StoreUpkeep, SWEEP_INTERVAL_MS } from '../../bot/storeUpkeep';
import { PendingActions } from '../../core/pendingActions';
import { ResetRateLimits } from '../../core/rateLimits';
import type { ResetDependencies } from '../../core/resets';
import { ResetPasswordDialog } from '../../dialogs/resetPasswordDialog';
import { KeyValuePendingActionStore } from '../../storage/keyValuePendingActionStore';
import { KeyValueRateCounterStore } from '../../storage/keyValueRateCounterStore';
import { RECORD_LIFETIMES_MS, recordLifetimes } from '../../storage/recordLifetimes';
import { SqliteStateStore } from '../../storage/sqliteStateStore';
import { FakeDirectory, ROLE, user } from '../support/fakeDirectory';
import { FakeProactiveAdapter } from '../support/fakeProactiveAdapter';
import { ManualClock } from '../support/rateLimits';
import {
  type Agent,
  cardInvoke,
  cardOf,
  executeActionsOf,
  personalChatWith,
} from '../support/teamsActivities';

/** The figures; `FLAT_STATE_RESETS` and `FLAT_STATE_ABANDONED` change them for a longer run. */
const RESETS = Number(process.env.FLAT_STATE_RESETS ?? 10_000);
const ABANDONED = Number(process.env.FLAT_STATE_ABANDONED ?? 1_000);
const AGENTS = 40;
const TARGETS = 400;
/** Simulated time between two agent actions: a busy helpdesk, a reset every few seconds. */
const STEP_MS = 3_000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * Memory and storage stay flat however many resets are done: the bot's own wiring (dialogs, card actions,
 * pending actions, counters, audit trail) on the embedded store, driven through many complete resets and
 * abandoned cards with a clock moved by hand, swept as the bot sweeps. What remains after each sweep is only
 * what is still live; once every lifetime has passed, nothing remains but the audit trail.
 */
describe('state stays flat: records expire and are swept', function () {
  this.timeout(600_000);

  let folder: string;
  let file: string;
  let store: SqliteStateStore;

  before(() => {
    // In memory-backed /dev/shm where there is one: this counts records, and 40,000 fsyncs would only add minutes.
    const parent = process.env.FLAT_STATE_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
    folder = mkdtempSync(join(parent, 'helpdesk-reset-flat-'));
    file = join(folder, 'state.sqlite');
  });

  after(async () => {
    await store?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it(`${RESETS} completed resets and ${ABANDONED} abandoned cards leave no more than the live records`, async () => {
    const clock = new ManualClock(new Date('2026-12-01T08:00:00.000Z'));
    store = new SqliteStateStore({ file, lifetimeOf: recordLifetimes, now: clock.now });
    const logger = pino({ level: 'silent' });
    const directory = FakeDirectory.withDemoPeople();
    const agents: Agent[] = Array.from({ length: AGENTS }, (_, n) => {
      const id = `e1a0a000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      directory.add(user(id, `Agent ${n}`, `agent${n}@contoso.com`), [ROLE.helpdeskAdministrator]);
      return { id: `29:agent-${n}`, name: `Agent ${n}`, aadObjectId: id };
    });
    const targets = Array.from({ length: TARGETS }, (_, n) => {
      const upn = `person${n}@contoso.com`;
      directory.add(user(`e1a0b000-0000-4000-8000-${String(n).padStart(12, '0')}`, `Person ${n}`, upn));
      return upn;
    });
    const audit = new RecordedAuditLog(logger, store.audit, clock.now);
    const deps: ResetDependencies = {
      directory,
      pendingActions: new PendingActions(new KeyValuePendingActionStore(store), clock.now),
      settings: { passwordWritebackEnabled: false, resetAs: 'bot' },
      audit,
      // Counted (a counter per agent and per user is written) but never refusing in this run.
      rateLimits: new ResetRateLimits(
        new KeyValueRateCounterStore(store),
        { perAgentPerHour: 1000, perTargetPerDay: 1000 },
        clock.now,
      ),
    };
    const proactive = new FakeProactiveAdapter();
    const readRequester = teamsRequesters(proactive, '', logger);
    const background = new BackgroundWork(logger);
    const bot = new HelpdeskBot(
      new PerUserConversationState(store),
      new ResetPasswordDialog((context) => ({ requester: readRequester(context), deps }), logger),
      new CardActionHandler(deps, {
        directoryWithin: () => directory,
        readRequester,
        originCards: new OriginCards(proactive, '', logger),
        background,
        clickBudgetMs: 20_000,
        answerLeadMs: 0,
        logger,
      }),
      logger,
    );
    const adapters = agents.map(
      (agent) => new TestAdapter((context) => bot.run(context), personalChatWith(agent)),
    );
    const upkeep = new StoreUpkeep(store, 400, logger, clock.now);
    const rows = new Database(file, { readonly: true });
    const count = (sql: string): number => (rows.prepare(sql).get() as { n: number }).n;
    const records = () => count('SELECT count(*) AS n FROM records');

    let lastSweep = clock.now().getTime();
    let mostRecords = 0;
    let cardsShown = 0;
    let clicked = 0;
    const actions = RESETS + ABANDONED;
    // Every (actions / ABANDONED)-th card is left unclicked, spread over the whole run.
    const abandonEvery = ABANDONED > 0 ? actions / ABANDONED : Infinity;
    for (let step = 0; step < actions; step += 1) {
      const agentIndex = step % AGENTS;
      const adapter = adapters[agentIndex];
      const agent = agents[agentIndex];
      const abandoned = Math.floor((step + 1) / abandonEvery) > Math.floor(step / abandonEvery);

      adapter.activeQueue.splice(0);
      await adapter.processActivity({
        type: 'message',
        text: `reset ${targets[step % TARGETS]}`,
        from: agent,
      });
      const card = adapter.activeQueue.map(cardOf).find((content) => content !== undefined);
      const confirm = executeActionsOf(card).find((action) => action.verb === 'confirmReset');
      assert.ok(confirm, `step ${step}: a confirmation card`);
      cardsShown += 1;
      clock.advance(STEP_MS);
      if (!abandoned) {
        adapter.activeQueue.splice(0);
        await adapter.processActivity({
          ...cardInvoke('confirmReset', {
            resetId: confirm.data?.resetId,
            revokeSessions: 'false',
            requireMfa: 'false',
          }),
          from: agent,
        });
        await background.idle();
        clicked += 1;
      }

      if (clock.now().getTime() - lastSweep >= SWEEP_INTERVAL_MS) {
        await upkeep.sweepOnce();
        lastSweep = clock.now().getTime();
        mostRecords = Math.max(mostRecords, records());
        assert.equal(
          count(`SELECT count(*) AS n FROM records WHERE expires_at <= ${clock.now().getTime()}`),
          0,
          'after a sweep, every record left is live',
        );
      }
    }
    await audit.flush();

    assert.equal(clicked, RESETS);
    assert.equal(cardsShown - clicked, ABANDONED);
    assert.equal(directory.passwordChanges.length, RESETS, 'every clicked card reset once');
    const finalRecords = records();
    // What can be live at the end: the cards of the last 75 minutes, each agent's dialog of the last hour,
    // and one counter per agent and per user (a day).
    const cardsPerLifetime = Math.ceil(RECORD_LIFETIMES_MS.pendingAction / STEP_MS) + 1;
    const bound = cardsPerLifetime + AGENTS + AGENTS + TARGETS;
    const auditRecords = count('SELECT count(*) AS n FROM audit');
    const auditBytes = count('SELECT sum(length(event) + length(at)) AS n FROM audit');
    console.log(
      `      ${cardsShown} cards (${directory.passwordChanges.length} resets); store at most ${mostRecords} records ` +
        `after a sweep, ${finalRecords} at the end (bound ${bound}); audit trail ${auditRecords} records, ` +
        `${Math.round(auditBytes / cardsShown)} bytes per card`,
    );
    assert.ok(mostRecords <= bound, `at most ${bound} records after any sweep, saw ${mostRecords}`);

    clock.advance(RECORD_LIFETIMES_MS.rateCounter + HOUR_MS);
    await upkeep.sweepOnce();
    assert.equal(records(), 0, 'once every lifetime has passed, no state record remains');
    assert.equal(
      count('SELECT count(*) AS n FROM audit'),
      auditRecords,
      'the audit trail is kept for its retention',
    );
    rows.close();
  });
});
