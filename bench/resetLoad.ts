import { setTimeout as sleep } from 'node:timers/promises';
import { TeamsChannel, type TeamsAgent } from './support/channel';
import { BenchConnector } from './support/connector';
import { Driver, type LatencySummary, type LoadOutcome, runLoad, StepLatencies } from './support/driver';
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

const targetOf = (index: number): string => TARGETS[index % TARGETS.length];

export interface LoadOptions {
  /** Added latency per Graph and Bot Connector call, one measurement each. */
  latenciesMs: number[];
  /** Agents playing conversations at once. */
  agents: number;
  /** How long each bot is loaded, per latency. */
  seconds: number;
  /** Alternating slices the load time is cut into (see `measureLoads`). */
  slices: number;
  /** Complete resets played alone and taken apart call by call, per latency. */
  probes: number;
  /** Turns arriving at once for the expiring-token count. */
  tokenBurst: number;
  /** Complete resets and echo turns before anything is measured. */
  warmUpResets: number;
  warmUpEchoes: number;
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
  /** Turns the bot took: for the Helpdesk Reset bot, every turn of its conversations. */
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
  reset: BotLoad & { steps: StepFigures };
  echo: BotLoad & { turn: LatencySummary; periodMs: number };
  /** Each slice's CPU figures, to show how far they moved during the run. */
  slices: SliceFigures[];
}

export interface SliceFigures {
  botMsPerReset: number;
  turnsPerReset: number;
  echoMsPerTurn: number;
}

export interface LoadFigures {
  /** At the highest latency measured, the token endpoint answering after as long. */
  expiringToken: ExpiringTokenProbe & { latencyMs: number };
  latencies: LatencyFigures[];
}

/**
 * The bot and the echo bot under load, at each latency. Both start once and warm up first: a process's first
 * thousands of turns cost several times the later ones (V8 compiles and re-optimizes code as it runs), and a
 * deployed bot runs for days. The bot warms up while the tenant issues 5-second tokens, so that the
 * expiring-token burst, next, finds its cached tokens expired. Then, at each latency: the probes (one reset at
 * a time), and the two bots loaded in turn, a slice of `seconds / slices` each, `slices` times: the bot with
 * complete resets from `agents` agents at once, the echo bot by the same agents at the bot's rate of turns so
 * far. Alternating slices expose both bots to the same drift of a shared machine, which the ratio of their CPU
 * would otherwise absorb.
 */
export async function measureLoads(rig: Rig, options: LoadOptions): Promise<LoadFigures> {
  let bot: BotProcess | undefined;
  let echoBot: BotProcess | undefined;
  try {
    await setLatency(rig, 0);
    const warmUpAgents = teamsAgents(rig, 'warm-up', options.agents * 2);
    bot = await withShortLivedTokens(rig.simulator, async () => {
      const started = await startBot(rig, 'bot');
      const warmUp = await runLoad(
        warmUpAgents,
        (count) => count >= options.warmUpResets,
        (agent, index) => rig.driver.reset(started.url, agent, targetOf(index)).then(() => undefined),
      );
      if (warmUp.failures.length > 0) {
        const problems = problemsLogged(started);
        await started.stop();
        throw new Error(`warm-up failed: ${warmUp.failures[0]}${problems}`);
      }
      return started;
    });
    const tokenLatencyMs = Math.max(...options.latenciesMs);
    const expiringToken = {
      latencyMs: tokenLatencyMs,
      ...(await withTokenLatency(rig, tokenLatencyMs, () =>
        expiringTokenBurst(
          rig.driver,
          rig.simulator,
          bot?.url ?? '',
          teamsAgents(rig, 'token', options.tokenBurst).map((agent, index) => ({
            agent,
            target: targetOf(index),
          })),
        ),
      )),
    };

    echoBot = await startBot(rig, 'echo');
    const echoUrl = echoBot.url;
    const echoWarmUp = await runLoad(
      warmUpAgents,
      (started) => started >= options.warmUpEchoes,
      (agent, index) => rig.driver.echo(echoUrl, agent, `warm-up ${index}`).then(() => undefined),
    );
    if (echoWarmUp.failures.length > 0) throw new Error(`echo warm-up failed: ${echoWarmUp.failures[0]}`);

    const latencies: LatencyFigures[] = [];
    for (const latencyMs of options.latenciesMs) {
      latencies.push(await measureAtLatency(rig, bot, echoBot, { ...options, latencyMs }));
    }
    return { expiringToken, latencies };
  } finally {
    await Promise.all([bot?.stop(), echoBot?.stop()]);
  }
}

/**
 * Sets the added latency, and makes the token endpoint (which the simulator's latency leaves out) answer after
 * as long while `work` runs, as Entra's does across the internet: how many requests overlap depends on it.
 */
async function withTokenLatency<T>(rig: Rig, latencyMs: number, work: () => Promise<T>): Promise<T> {
  await setLatency(rig, latencyMs);
  if (latencyMs > 0) {
    await rig.simulator.control('POST', 'faults', {
      method: 'POST',
      path: '/oauth2/v2\\.0/token$',
      kind: 'delay',
      delayMs: latencyMs,
      count: 100_000,
    });
  }
  try {
    return await work();
  } finally {
    await rig.simulator.control('DELETE', 'faults');
  }
}

/** The probes and the alternating slices at one latency (see `measureLoads`), on warmed-up bots. */
async function measureAtLatency(
  rig: Rig,
  bot: BotProcess,
  echoBot: BotProcess,
  options: LoadOptions & { latencyMs: number },
): Promise<LatencyFigures> {
  await setLatency(rig, options.latencyMs);
  const agents = teamsAgents(rig, `load${options.latencyMs}`, options.agents);
  const probes: ResetProbe[] = [];
  const [probeAgent] = teamsAgents(rig, `probe${options.latencyMs}`, 1);
  for (let round = 0; round < options.probes; round++) {
    probes.push((await probeReset(rig.driver, rig.simulator, bot.url, probeAgent, targetOf(0))).probe);
  }

  const steps = {
    messageToCard: new StepLatencies(),
    clickToAnswer: new StepLatencies(),
    clickToPassword: new StepLatencies(),
    clickToCardUpdated: new StepLatencies(),
  };
  const turn = new StepLatencies();
  const sliceMs = (options.seconds * 1000) / options.slices;
  const until = (_started: number, elapsedMs: number) => elapsedMs >= sliceMs;
  let reset: BotLoad | undefined;
  let echo: BotLoad | undefined;
  let periodMs = 0;
  const slices: SliceFigures[] = [];
  for (let slice = 0; slice < options.slices; slice++) {
    let turns = 0;
    const resets = await measureLoad(rig, bot, async () => {
      const outcome = await runLoad(agents, until, async (agent, index) => {
        const c = await rig.driver.reset(bot.url, agent, targetOf(index));
        steps.messageToCard.record(c.cardShown - c.messageSent);
        steps.clickToAnswer.record(c.clickAnswered - c.clickSent);
        steps.clickToPassword.record(c.passwordShown - c.clickSent);
        steps.clickToCardUpdated.record(c.cardUpdated - c.clickSent);
        turns += c.turns;
      });
      return { ...outcome, turns };
    });
    reset = combined(reset, resets);
    // The same agents at the bot's rate of turns: CPU per turn at the same load, not at the echo bot's limit.
    const turnsPerSecond = reset.turns / (reset.elapsedMs / 1000);
    periodMs = turnsPerSecond > 0 ? (agents.length * 1000) / turnsPerSecond : 0;
    const echoes = await measureLoad(rig, echoBot, async () => {
      const outcome = await runLoad(
        agents,
        until,
        async (agent, index) => {
          turn.record(await rig.driver.echo(echoBot.url, agent, `turn ${index}`));
        },
        periodMs,
      );
      return { ...outcome, turns: outcome.completed };
    });
    echo = combined(echo, echoes);
    slices.push({
      botMsPerReset: (resets.cpuSeconds * 1000) / resets.completed,
      turnsPerReset: resets.turns / resets.completed,
      echoMsPerTurn: (echoes.cpuSeconds * 1000) / echoes.turns,
    });
  }
  if (!reset || !echo) throw new Error('BENCH_SLICES must be 1 or more');
  return {
    latencyMs: options.latencyMs,
    agents: options.agents,
    probes,
    reset: {
      ...reset,
      steps: {
        messageToCard: steps.messageToCard.summary(),
        clickToAnswer: steps.clickToAnswer.summary(),
        clickToPassword: steps.clickToPassword.summary(),
        clickToCardUpdated: steps.clickToCardUpdated.summary(),
      },
    },
    echo: { ...echo, turn: turn.summary(), periodMs },
    slices,
  };
}

/** Two slices' figures as one: counts and CPU add up, memory is the later one's. */
function combined(total: BotLoad | undefined, slice: BotLoad): BotLoad {
  if (!total) return slice;
  return {
    completed: total.completed + slice.completed,
    failures: [...total.failures, ...slice.failures],
    elapsedMs: total.elapsedMs + slice.elapsedMs,
    turns: total.turns + slice.turns,
    cpuSeconds: total.cpuSeconds + slice.cpuSeconds,
    simulatorCpuSeconds: total.simulatorCpuSeconds + slice.simulatorCpuSeconds,
    driverCpuSeconds: total.driverCpuSeconds + slice.driverCpuSeconds,
    memoryAfter: slice.memoryAfter,
  };
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
  load: () => Promise<LoadOutcome & { turns: number }>,
): Promise<BotLoad> {
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
  // `agents` slots play the chats, one conversation each, so that `agents` of them run at once.
  const slots = teamsAgents(rig, 'slot', agents);
  const bot = await startBot(rig, 'bot');
  let botStarted: Memory;
  let botWithCards: Memory;
  const failures: string[] = [];
  try {
    botStarted = memory(bot.pid);
    const outcome = await runLoad(
      slots,
      (started) => started >= cards,
      (_slot, index) =>
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
      slots,
      (started) => started >= cards,
      (_slot, index) => rig.driver.echo(echoBot.url, chats[index], `card ${index}`).then(() => undefined),
    );
    failures.push(...outcome.failures);
    await sleep(500);
    return { cards, failures, botStarted, botWithCards, echoStarted, echoAfterTurns: memory(echoBot.pid) };
  } finally {
    await echoBot.stop();
  }
}
