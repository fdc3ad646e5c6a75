import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PASSWORD_ALPHABETS, TEMPORARY_PASSWORD_LENGTH } from '../../core/passwords/temporaryPassword';
import { ALEX, BOT, BotOverHttp, MEGAN_ID, TENANT_ID } from '../support/botOverHttp';
import { type FuzzWorld, type HostileRequest, hostileRequests } from '../support/hostileActivities';
import { executeActionsOf } from '../support/teamsActivities';

/**
 * Thousands of hostile requests against the real server and the simulated tenant: no answer of 500, no 5xx
 * but the framework's 501 for invoke names the bot does not implement, no crash, no password change nobody
 * confirmed, nothing posted to a conversation of another tenant, and no temporary password in any answer.
 *
 * `npm test` runs FUZZ_RUNS (default 10,000) inputs with a fixed seed; `npm run fuzz` runs a long one.
 * FUZZ_SEED replays a run; the seed is printed with the figures.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_901);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 24);
/** Inputs are generated in chunks of this many (seed + chunk number), so a long run never holds them all. */
const CHUNK = 1_000;

const OTHERS = [
  { id: '29:megan', name: 'Megan Bowen', aadObjectId: MEGAN_ID },
  { id: '29:lynne', name: 'Lynne Robbins', aadObjectId: 'e1a00000-0000-4000-8000-000000000006' },
  { id: '29:patti', name: 'Patti Fernandez', aadObjectId: 'e1a00000-0000-4000-8000-000000000005' },
  { id: ALEX.id, name: ALEX.name, aadObjectId: 'e1a00000-0000-4000-8000-000000000007' },
];
const USER_IDS = Array.from(
  { length: 13 },
  (_, i) => `e1a00000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`,
);

/** A string that could be one of our temporary passwords: 16 characters of its alphabet, every class. */
const PASSWORD_CHARACTERS = Object.values(PASSWORD_ALPHABETS)
  .join('')
  .replace(/[$?+=!#%@]/g, '\\$&');
const PASSWORD_LIKE = new RegExp(`[${PASSWORD_CHARACTERS}]{${TEMPORARY_PASSWORD_LENGTH}}`, 'g');
function looksLikeTemporaryPassword(text: string): boolean {
  return (text.match(PASSWORD_LIKE) ?? []).some((run) =>
    Object.values(PASSWORD_ALPHABETS).every((alphabet) => [...run].some((c) => alphabet.includes(c))),
  );
}

interface Figures {
  inputs: number;
  byStatus: Map<number, number>;
  byFamily: Map<string, Map<number, number>>;
  /** 501 answers to invokes whose name the bot does not implement (the framework's answer). */
  unimplemented501: number;
  /** Every other answer of 500 or more, with the first few examples. */
  serverErrors: Array<{ family: string; status: number; input: string; body: string }>;
  noAnswer: Array<{ family: string; input: string; error: string }>;
  passwordLikeBodies: number;
  /** Milliseconds spent waiting for answers, per family. */
  waitedMs: Map<string, number>;
}

/** The tenant the tenant guard would see: `channelData.tenant.id`, else `conversation.tenantId` (strings). */
function claimedTenant(activity: Record<string, unknown>): unknown {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  if (typeof fromChannelData === 'string') return fromChannelData;
  return (activity.conversation as { tenantId?: unknown } | undefined)?.tenantId;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

describe('fuzz: hostile activities against the running bot', function () {
  this.timeout(0);
  let bot: BotOverHttp;
  let world: FuzzWorld;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    bot = await BotOverHttp.start({ LOG_LEVEL: 'warn' });
    world = {
      tenantId: TENANT_ID,
      serviceUrl: bot.connector.serviceUrl,
      bot: BOT,
      requester: ALEX,
      others: OTHERS,
      selectionIds: [],
      resetIds: [],
      userIds: USER_IDS,
    };
    // Real pending actions for the wrong people to click: pickers and confirmations, in the 1:1 and a channel.
    for (const request of [
      bot.personal('reset password for megan'),
      bot.personal('reset adelev@contoso.com'),
      bot.inChannel('reset password for megan'),
      bot.inChannel('reset adelev@contoso.com'),
    ]) {
      assert.equal((await bot.post(request)).status, 200);
    }
    for (const call of bot.connector.calls) {
      for (const action of executeActionsOf(call.activity)) {
        const { selectionId, resetId } = action.data ?? {};
        if (typeof selectionId === 'string') world.selectionIds.push(selectionId);
        if (typeof resetId === 'string') world.resetIds.push(resetId);
      }
    }
    world.selectionIds = [...new Set(world.selectionIds)];
    world.resetIds = [...new Set(world.resetIds)];
    assert.ok(world.selectionIds.length > 0 && world.resetIds.length > 0, 'expected real pending actions');
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await bot?.close();
  });

  /**
   * Makes a generated activity safe to judge: a conversation of another tenant gets an id that marks it (so
   * that any post to it is seen), and the requester never confirms a real reset (so that every password
   * change is one nobody confirmed).
   */
  function prepared(request: HostileRequest, index: number): HostileRequest {
    if (request.contentType !== 'application/json') return request;
    let activity: unknown;
    try {
      activity = JSON.parse(request.body);
    } catch {
      return request;
    }
    if (!isObject(activity)) return request;
    const tenant = claimedTenant(activity);
    if (
      !(typeof tenant === 'string' && tenant.toLowerCase() === TENANT_ID) &&
      isObject(activity.conversation)
    ) {
      activity.conversation = { ...activity.conversation, id: `foreign-${index}` };
    }
    const action =
      isObject(activity.value) && isObject(activity.value.action) ? activity.value.action : undefined;
    const from = isObject(activity.from) ? activity.from : undefined;
    if (action?.verb === 'confirmReset' && from?.aadObjectId === ALEX.aadObjectId) {
      activity.from = OTHERS[1];
    }
    return { ...request, body: JSON.stringify(activity) };
  }

  /** Whether the bot may answer this request 501: an invoke whose name it does not implement. */
  function isUnimplementedInvoke(request: HostileRequest): boolean {
    try {
      const activity: unknown = JSON.parse(request.body);
      return isObject(activity) && activity.type === 'invoke' && activity.name !== 'adaptiveCard/action';
    } catch {
      return false;
    }
  }

  async function send(request: HostileRequest, figures: Figures): Promise<void> {
    let status: number;
    let text: string;
    const started = Date.now();
    try {
      const response = await fetch(`${bot.botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': request.contentType },
        body: request.body,
        signal: AbortSignal.timeout(20_000),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      figures.noAnswer.push({
        family: request.family,
        input: request.body.slice(0, 300),
        error: String(error),
      });
      return;
    }
    figures.waitedMs.set(request.family, (figures.waitedMs.get(request.family) ?? 0) + Date.now() - started);
    figures.byStatus.set(status, (figures.byStatus.get(status) ?? 0) + 1);
    const family = figures.byFamily.get(request.family) ?? new Map<number, number>();
    family.set(status, (family.get(status) ?? 0) + 1);
    figures.byFamily.set(request.family, family);
    if (status === 501 && isUnimplementedInvoke(request)) figures.unimplemented501 += 1;
    else if (status >= 500)
      figures.serverErrors.push({
        family: request.family,
        status,
        input: request.body.slice(0, 300),
        body: text.slice(0, 200),
      });
    if (looksLikeTemporaryPassword(text)) figures.passwordLikeBodies += 1;
  }

  /**
   * Posts `RUNS` generated inputs, `CONCURRENCY` at a time. Inputs are generated a chunk at a time (seed +
   * chunk number) when the workers need more, so that a long run never holds them all and no worker waits
   * for a slow request of another.
   */
  async function postAll(figures: Figures): Promise<void> {
    const generator = hostileRequests(world);
    const pending: HostileRequest[] = [];
    let generated = 0;
    let chunk = 0;
    const nextRequest = (): HostileRequest | undefined => {
      if (pending.length === 0 && generated < RUNS) {
        const size = Math.min(CHUNK, RUNS - generated);
        const sample = fc.sample(generator, { seed: SEED + chunk++, numRuns: size });
        pending.push(...sample.map((request, i) => prepared(request, generated + i)));
        generated += size;
      }
      return pending.shift();
    };
    const worker = async () => {
      for (let request = nextRequest(); request; request = nextRequest()) {
        await send(request, figures);
        figures.inputs += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  it(`answers ${RUNS} hostile inputs without a 500, a crash, an unconfirmed reset or a leaked password`, async () => {
    const started = Date.now();
    const figures: Figures = {
      inputs: 0,
      byStatus: new Map(),
      byFamily: new Map(),
      unimplemented501: 0,
      serverErrors: [],
      noAnswer: [],
      passwordLikeBodies: 0,
      waitedMs: new Map(),
    };
    await postAll(figures);
    await bot.app.idle();
    const seconds = Math.round((Date.now() - started) / 1000);

    const health = await fetch(`${bot.botUrl}/healthz`);
    const passwordChanges = await bot.passwordChanges();
    const foreignPosts = bot.connector.calls.filter((call) => call.conversationId.startsWith('foreign-'));
    const errorLines = bot.logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    const count500 = figures.byStatus.get(500) ?? 0;
    const other5xx = figures.serverErrors.filter((error) => error.status !== 500).length;
    const statuses = [...figures.byStatus.entries()].sort(([a], [b]) => a - b);
    process.stdout.write(
      `      fuzz: ${figures.inputs} inputs (seed ${SEED}), ${count500} × 500, ${other5xx} × 5xx other than 501 ` +
        `for unimplemented invokes (${figures.unimplemented501}), ${unhandled.length + figures.noAnswer.length} crashes ` +
        `or unanswered, ${passwordChanges} unconfirmed resets, ${foreignPosts.length} posts to foreign conversations, ` +
        `${figures.passwordLikeBodies} password-like bodies, ${errorLines.length} errors logged, in ${seconds} s\n` +
        `      answers: ${statuses.map(([status, n]) => `${n} × ${status}`).join(', ')}\n`,
    );
    for (const [family, answers] of figures.byFamily) {
      const line = [...answers.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${n} × ${s}`);
      const total = [...answers.values()].reduce((sum, n) => sum + n, 0);
      const meanMs = Math.round((figures.waitedMs.get(family) ?? 0) / total);
      process.stdout.write(`        ${family}: ${line.join(', ')} (mean ${meanMs} ms)\n`);
    }
    for (const example of [...figures.serverErrors, ...figures.noAnswer].slice(0, 8)) {
      process.stdout.write(`        example: ${JSON.stringify(example)}\n`);
    }

    assert.equal(health.status, 200, 'the server still answers');
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
    assert.deepEqual(figures.noAnswer, [], 'every request was answered');
    assert.deepEqual(figures.serverErrors, [], 'no 5xx but 501 for unimplemented invoke names');
    assert.equal(passwordChanges, 0, 'no password change that its requester did not confirm');
    assert.deepEqual(foreignPosts, [], 'nothing posted to a conversation the tenant guard did not accept');
    assert.equal(figures.passwordLikeBodies, 0, 'no temporary password in any answer');
    assert.deepEqual(errorLines.slice(0, 5), [], 'hostile input is not an error of the bot');
  });
});
