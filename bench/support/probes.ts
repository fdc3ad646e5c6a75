import { setTimeout as sleep } from 'node:timers/promises';
import type { TeamsAgent } from './channel';
import {
  connectorRoundTrips,
  countGraphCalls,
  countTokenRequests,
  type GraphCallCount,
  graphRoundTrips,
  isGraphCall,
  type SequentialDepth,
  sequentialDepth,
  type SimulatorCall,
  type TokenRequests,
  within,
} from './callLog';
import type { Driver, ResetConversation } from './driver';
import type { SimulatorProcess } from './processes';

/** How long after a reset's last step the probe still looks for calls it caused (none are expected). */
const SETTLE_MS = 300;

/** One complete reset, alone on the bot, taken apart call by call. */
export interface ResetProbe {
  /** Graph calls from the message to the confirmation card. */
  messageCalls: GraphCallCount;
  /** Graph calls from the click to the end of the conversation (the revoke included). */
  clickCalls: GraphCallCount;
  /** Graph calls from the click to the password's arrival. */
  clickToPasswordCalls: GraphCallCount;
  /** Graph calls of the whole conversation. */
  resetCalls: GraphCallCount;
  /** Sequential Graph round trips, message → confirmation card. */
  messageDepth: SequentialDepth;
  /** Sequential Graph and Bot Connector round trips, click → password posted. */
  clickToPasswordDepth: SequentialDepth;
  /** Token requests during the conversation (none once the tokens are cached). */
  tokenRequests: TokenRequests;
  /** Milliseconds of each step, for the elapsed ÷ latency cross-check. */
  messageToCardMs: number;
  clickToPasswordMs: number;
  clickToCardUpdatedMs: number;
}

async function simulatorCalls(simulator: SimulatorProcess): Promise<SimulatorCall[]> {
  return ((await simulator.control('GET', 'calls')) as { value: SimulatorCall[] }).value;
}

/**
 * Plays one complete reset while nothing else runs, with the simulator's call log and the connector's record
 * cleared first, and reads which calls each step made and how many of them had to wait for the one before.
 */
export async function probeReset(
  driver: Driver,
  simulator: SimulatorProcess,
  botUrl: string,
  agent: TeamsAgent,
  target: string,
): Promise<{ probe: ResetProbe; conversation: ResetConversation }> {
  await simulator.control('DELETE', 'calls');
  const connector = driver.connector;
  connector.recorded.splice(0);
  connector.recording = true;
  let conversation: ResetConversation;
  try {
    conversation = await driver.reset(botUrl, agent, target);
    await sleep(SETTLE_MS);
  } finally {
    connector.recording = false;
  }
  const calls = await simulatorCalls(simulator);
  const c = conversation;
  const startedBetween = (from: number, to: number) => (call: SimulatorCall) =>
    call.startedAt >= from && call.startedAt <= to;
  const graph = graphRoundTrips(calls);
  const connectorTrips = connectorRoundTrips(connector.recorded);
  return {
    conversation,
    probe: {
      messageCalls: countGraphCalls(calls.filter(startedBetween(c.messageSent, c.cardShown))),
      clickCalls: countGraphCalls(calls.filter(startedBetween(c.clickSent, Infinity))),
      clickToPasswordCalls: countGraphCalls(calls.filter(startedBetween(c.clickSent, c.passwordShown))),
      resetCalls: countGraphCalls(calls.filter(startedBetween(c.messageSent, Infinity))),
      messageDepth: sequentialDepth(within(graph, c.messageSent, c.cardShown)),
      clickToPasswordDepth: sequentialDepth(
        within([...graph, ...connectorTrips], c.clickSent, c.passwordShown),
      ),
      tokenRequests: countTokenRequests(calls),
      messageToCardMs: c.cardShown - c.messageSent,
      clickToPasswordMs: c.passwordShown - c.clickSent,
      clickToCardUpdatedMs: c.cardUpdated - c.clickSent,
    },
  };
}

/** Token requests while a burst of turns arrives with the bot's cached tokens expired. */
export interface ExpiringTokenProbe {
  turns: number;
  tokenRequests: TokenRequests;
  /** Graph requests the turns made, for scale. */
  graphRequests: number;
}

/** How long the tokens issued before the burst live. */
export const SHORT_TOKEN_LIFETIME_SECONDS = 5;

/**
 * Runs `work` while the simulated tenant issues tokens that live 5 seconds (long enough for any one request
 * under load, which a 2-second token sometimes was not), then goes back to the usual hour.
 * A bot that starts and warms up inside `work` holds such a token when it ends (however early it fetches its
 * first one), which `expiringTokenBurst` then finds expired.
 */
export async function withShortLivedTokens<T>(
  simulator: SimulatorProcess,
  work: () => Promise<T>,
): Promise<T> {
  await simulator.control('PUT', 'token-lifetime', { seconds: SHORT_TOKEN_LIFETIME_SECONDS });
  try {
    return await work();
  } finally {
    await simulator.control('DELETE', 'token-lifetime');
  }
}

/**
 * `burst` message turns ("reset <target>", each from its own agent) arriving at once once the bot's cached
 * tokens, issued inside `withShortLivedTokens`, are past their `exp` (so that every client sees them expired,
 * whatever margin it refreshes at); counts the token requests they make.
 */
export async function expiringTokenBurst(
  driver: Driver,
  simulator: SimulatorProcess,
  botUrl: string,
  burst: Array<{ agent: TeamsAgent; target: string }>,
): Promise<ExpiringTokenProbe> {
  // `exp` has whole seconds: a second more than the lifetime is past it for sure.
  await sleep((SHORT_TOKEN_LIFETIME_SECONDS + 1.2) * 1000);
  await simulator.control('DELETE', 'calls');
  await Promise.all(burst.map(({ agent, target }) => driver.confirmationCard(botUrl, agent, target)));
  await sleep(SETTLE_MS);
  const calls = await simulatorCalls(simulator);
  return {
    turns: burst.length,
    tokenRequests: countTokenRequests(calls),
    graphRequests: countGraphCalls(calls.filter(isGraphCall)).requests,
  };
}
