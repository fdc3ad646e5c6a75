import { setTimeout as sleep } from 'node:timers/promises';
import { TeamsChannel, type TeamsAgent } from './support/channel';
import { BenchConnector } from './support/connector';
import { Driver, type LatencySummary, runLoad, StepLatencies } from './support/driver';
import {
  type ExpiringTokenProbe,
  expiringTokenBurst,
  probeReset,
  type ResetProbe,
  withShortLivedTokens,
} from './support/probes';
import { CpuMeter, memory, type Memory, ownCpuSeconds } from './support/procStats';
import {
  botEnvironment,
  type BotKind,
  type BotProcess,
  startBotProcess,
  startSimulatorProcess,
  type SimulatorProcess,
} from './support/processes';
import { AGENTS, TARGETS } from './support/tenant';

/**
 * The reset benchmark's parts: the simulated tenant, a loopback Bot Connector and the Teams channel's side
 * (the rig), the bot and the echo bot as processes of the production build, and the measurements the issue's
 * table asks for. `bench/run.ts` runs them all and reports; the smoke test runs a few of each.
 */
export interface Rig {
  simulator: SimulatorProcess;
  connector: BenchConnector;
  channel: TeamsChannel;
  driver: Driver;
  environment: Record<string, string>;
}

export async function startRig(): Promise<Rig> {
  const simulator = await startSimulatorProcess();
  const connector = await BenchConnector.start();
  const channel = await TeamsChannel.start(connector.serviceUrl);
  return {
    simulator,
    connector,
    channel,
    driver: new Driver(channel, connector),
    environment: botEnvironment(simulator, channel),
  };
}

export async function stopRig(rig: Rig): Promise<void> {
  await rig.channel.close();
  await rig.connector.close();
  await rig.simulator.stop();
}

/** Graph's and the Bot Connector's added latency, per call. */
async function setLatency(rig: Rig, latencyMs: number): Promise<void> {
  await rig.simulator.control('PUT', 'latency', { ms: latencyMs });
  rig.connector.latencyMs = latencyMs;
}

export function startBot(rig: Rig, kind: BotKind): Promise<BotProcess> {
  return startBotProcess(kind, rig.environment);
}

/** `count` agents in Teams, each with their own 1:1 chat, played by the demo tenant's agents in turn. */
export function teamsAgents(rig: Rig, role: string, count: number): TeamsAgent[] {
  return Array.from({ length: count }, (_, index) =>
    rig.driver.agent(role, index, AGENTS[index % AGENTS.length]),
  );
}

/**
 * Conversations each agent plays before anything is measured: the first ones of a process cost several times
 * the later ones (code not yet compiled, connections not yet open).
 */
const WARM_UP_RESETS_PER_AGENT = 3;
const WARM_UP_ECHOES_PER_AGENT = 25;

const targetOf = (index: number): string => TARGETS[index % TARGETS.length];

export interface LoadOptions {
  latencyMs: number;
  /** Agents playing conversations at once. */
  agents: number;
  /** How long each bot is loaded. */
  seconds: number;
  /** Complete resets played alone and taken apart call by call. */
  probes: number;
  /** Turns arriving at once for the expiring-token count. */
  tokenBurst: number;
}

export interface StepFigures {
  messageToCard: LatencySummary;
  clickToAnswer: LatencySummary;
  clickToPassword: LatencySummary;
  clickToCardUpdated: LatencySummary;
}

export interface BotLoad {
  completed: number;
  failures: string[];
  elapsedMs: number;
  /** Turns the bot took (for the bot: all its conversations' turns). */
  turns: number;
  cpuSeconds: number;
  simulatorCpuSeconds: number;
  /** This process: the driver, the loopback connector and the channel's side. */
  driverCpuSeconds: number;
  memoryAfter: Memory;
}

export interface LatencyFigures {
  latencyMs: number;
  agents: number;
  probes: ResetProbe[];
  expiringToken: ExpiringTokenProbe;
  reset: BotLoad & { steps: StepFigures };
  echo: BotLoad & { turn: LatencySummary; periodMs: number };
}

/**
 * Everything measured at one added latency: a warm-up, the probes (alone on the bot), the expiring-token
 * burst, then the bot loaded with complete resets from `agents` agents at once for `seconds`, then the echo
 * bot driven by the same agents at the same rate of turns.
 */
export async function measureAtLatency(rig: Rig, options: LoadOptions): Promise<LatencyFigures> {
  await setLatency(rig, options.latencyMs);
  const agents = teamsAgents(rig, `load${options.latencyMs}`, options.agents);
  // The bot starts and warms up (tokens fetched, code compiled, connections open) while tokens live 5 s, so
  // that the expiring-token burst finds its tokens expired.
  let bot: BotProcess | undefined;
  let reset: LatencyFigures['reset'];
  let probes: ResetProbe[];
  let expiringToken: ExpiringTokenProbe;
  try {
    bot = await withShortLivedTokens(rig.simulator, async () => {
      const started = await startBot(rig, 'bot');
      const warmUp = await runLoad(
        agents,
        (count) => count >= agents.length * WARM_UP_RESETS_PER_AGENT,
        (agent, index) => rig.driver.reset(started.url, agent, targetOf(index)).then(() => undefined),
      );
      if (warmUp.failures.length > 0) {
        const problems = problemsLogged(started);
        await started.stop();
        throw new Error(`warm-up failed: ${warmUp.failures[0]}${problems}`);
      }
      return started;
    });
    const botUrl = bot.url;
    const burst = teamsAgents(rig, `token${options.latencyMs}`, options.tokenBurst);
    expiringToken = await expiringTokenBurst(
      rig.driver,
      rig.simulator,
      botUrl,
      burst.map((agent, index) => ({ agent, target: targetOf(index) })),
    );

    probes = [];
    const [probeAgent] = teamsAgents(rig, `probe${options.latencyMs}`, 1);
    for (let round = 0; round < options.probes; round++) {
      probes.push((await probeReset(rig.driver, rig.simulator, botUrl, probeAgent, targetOf(0))).probe);
    }

    const steps = {
      messageToCard: new StepLatencies(),
      clickToAnswer: new StepLatencies(),
      clickToPassword: new StepLatencies(),
      clickToCardUpdated: new StepLatencies(),
    };
    let turns = 0;
    const measured = await measureLoad(rig, bot, () =>
      runLoad(
        agents,
        (_started, elapsedMs) => elapsedMs >= options.seconds * 1000,
        async (agent, index) => {
          const c = await rig.driver.reset(botUrl, agent, targetOf(index));
          steps.messageToCard.record(c.cardShown - c.messageSent);
          steps.clickToAnswer.record(c.clickAnswered - c.clickSent);
          steps.clickToPassword.record(c.passwordShown - c.clickSent);
          steps.clickToCardUpdated.record(c.cardUpdated - c.clickSent);
          turns += c.turns;
        },
      ),
    );
    reset = {
      ...measured,
      turns,
      steps: {
        messageToCard: steps.messageToCard.summary(),
        clickToAnswer: steps.clickToAnswer.summary(),
        clickToPassword: steps.clickToPassword.summary(),
        clickToCardUpdated: steps.clickToCardUpdated.summary(),
      },
    };
  } finally {
    await bot?.stop();
  }

  const echoBot = await startBot(rig, 'echo');
  try {
    const warmUp = await runLoad(
      agents,
      (started) => started >= agents.length * WARM_UP_ECHOES_PER_AGENT,
      (agent, index) => rig.driver.echo(echoBot.url, agent, `warm-up ${index}`).then(() => undefined),
    );
    if (warmUp.failures.length > 0) throw new Error(`echo warm-up failed: ${warmUp.failures[0]}`);
    // The same agents at the bot's rate of turns: CPU per turn at the same load, not at the echo bot's limit.
    const turnsPerSecond = reset.turns / (reset.elapsedMs / 1000);
    const periodMs = turnsPerSecond > 0 ? (agents.length * 1000) / turnsPerSecond : 0;
    const turn = new StepLatencies();
    const measured = await measureLoad(rig, echoBot, () =>
      runLoad(
        agents,
        (_started, elapsedMs) => elapsedMs >= options.seconds * 1000,
        async (agent, index) => {
          turn.record(await rig.driver.echo(echoBot.url, agent, `turn ${index}`));
        },
        periodMs,
      ),
    );
    return {
      latencyMs: options.latencyMs,
      agents: options.agents,
      probes,
      expiringToken,
      reset,
      echo: { ...measured, turns: measured.completed, turn: turn.summary(), periodMs },
    };
  } finally {
    await echoBot.stop();
  }
}

/** The bot's warnings and errors so far (the bot logs no secrets), for a failure's report. */
function problemsLogged(bot: BotProcess): string {
  const lines = bot.output().filter((line) => /"level":(40|50|60)/.test(line));
  return lines.length === 0 ? '' : `\nThe ${bot.kind}'s warnings and errors:\n${lines.slice(-10).join('\n')}`;
}

/** CPU of the bot, the simulator and this process while `load` runs (and its last work settles). */
async function measureLoad(
  rig: Rig,
  bot: BotProcess,
  load: () => ReturnType<typeof runLoad>,
): Promise<Omit<BotLoad, 'turns'>> {
  const meter = new CpuMeter([bot.pid, rig.simulator.pid]);
  const driverBefore = ownCpuSeconds();
  const outcome = await load();
  await sleep(200);
  const cpu = meter.read();
  return {
    ...outcome,
    cpuSeconds: cpu.get(bot.pid) ?? 0,
    simulatorCpuSeconds: cpu.get(rig.simulator.pid) ?? 0,
    driverCpuSeconds: ownCpuSeconds() - driverBefore,
    memoryAfter: memory(bot.pid),
  };
}

export interface StartupFigures {
  botMs: number[];
  echoMs: number[];
}

/** Start-up to `/healthz` 200 of each bot, `runs` times, alternating, after one untimed start of each. */
export async function measureStartup(rig: Rig, runs: number): Promise<StartupFigures> {
  const figures: StartupFigures = { botMs: [], echoMs: [] };
  for (let run = 0; run <= runs; run++) {
    for (const kind of ['bot', 'echo'] as const) {
      const bot = await startBot(rig, kind);
      await bot.stop();
      if (run > 0) (kind === 'bot' ? figures.botMs : figures.echoMs).push(bot.startupMs);
    }
  }
  return figures;
}

export interface OpenCardsFigures {
  cards: number;
  failures: string[];
  /** The bot just started, then with every card open. */
  botStarted: Memory;
  botWithCards: Memory;
  /** The echo bot just started, then after as many turns. */
  echoStarted: Memory;
  echoAfterTurns: Memory;
}

/**
 * The bot's memory with `cards` confirmation cards open: as many "reset <user>" messages, each in a 1:1 chat
 * of its own, from `agents` agents at once, no card ever clicked; against the echo bot after as many turns.
 * Both fresh, at 0 ms added latency.
 */
export async function measureOpenCards(rig: Rig, cards: number, agents: number): Promise<OpenCardsFigures> {
  await setLatency(rig, 0);
  const chats = teamsAgents(rig, 'cards', cards);
  const bot = await startBot(rig, 'bot');
  let botStarted: Memory;
  let botWithCards: Memory;
  const failures: string[] = [];
  try {
    botStarted = memory(bot.pid);
    const outcome = await runLoad(
      teamsAgents(rig, 'unused', agents),
      (started) => started >= cards,
      (_agent, index) =>
        rig.driver.confirmationCard(bot.url, chats[index], targetOf(index)).then(() => undefined),
    );
    failures.push(...outcome.failures);
    await sleep(500);
    botWithCards = memory(bot.pid);
  } finally {
    await bot.stop();
  }
  const echoBot = await startBot(rig, 'echo');
  try {
    const echoStarted = memory(echoBot.pid);
    const outcome = await runLoad(
      teamsAgents(rig, 'unused', agents),
      (started) => started >= cards,
      (_agent, index) => rig.driver.echo(echoBot.url, chats[index], `card ${index}`).then(() => undefined),
    );
    failures.push(...outcome.failures);
    await sleep(500);
    return { cards, failures, botStarted, botWithCards, echoStarted, echoAfterTurns: memory(echoBot.pid) };
  } finally {
    await echoBot.stop();
  }
}
