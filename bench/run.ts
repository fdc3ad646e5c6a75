import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type DirectoryScale,
  directoryScaleTable,
  LOOKUPS,
  type Lookup,
  measureDirectoryScale,
} from './directoryScale';
import {
  type LatencyFigures,
  type LoadFigures,
  measureLoads,
  measureOpenCards,
  measureStartup,
  type OpenCardsFigures,
  type StartupFigures,
  startRig,
  stopRig,
} from './resetLoad';
import type { LatencySummary } from './support/driver';

/**
 * `npm run bench`: the issue's table (#11), measured on this machine in one run, every figure next to the
 * baseline it is a ratio of. Prints Markdown and writes the figures as JSON to bench/results/ (latest.json and
 * a dated copy) so that runs can be compared. Settings (environment):
 *
 *   BENCH_AGENTS      agents playing conversations at once (16)
 *   BENCH_SECONDS     how long each bot is loaded, per latency (15)
 *   BENCH_LATENCIES   added latency per Graph and Bot Connector call, ms, comma-separated (0,50)
 *   BENCH_SLICES      alternating bot and echo-bot slices the load time is cut into (5)
 *   BENCH_PROBES      complete resets taken apart call by call, per latency (3)
 *   BENCH_TOKEN_BURST turns arriving at once with the token expired (8)
 *   BENCH_WARM_UP_RESETS, BENCH_WARM_UP_ECHOES  conversations before anything is measured (300, 3000)
 *   BENCH_CARDS       open confirmation cards for the memory figure (1000)
 *   BENCH_STARTS      start-ups of each bot (5)
 *   BENCH_ONLY        parts to run, comma-separated: load, cards, startup, directory (all)
 *   EXTRA_USERS, ROUNDS  the directory part: synthetic users (100000) and rounds per look-up (40)
 */
interface Settings {
  agents: number;
  seconds: number;
  latencies: number[];
  probes: number;
  slices: number;
  tokenBurst: number;
  warmUpResets: number;
  warmUpEchoes: number;
  cards: number;
  starts: number;
  parts: Set<string>;
  extraUsers: number;
  rounds: number;
}

const PARTS = ['load', 'cards', 'startup', 'directory'];

function settings(env: NodeJS.ProcessEnv): Settings {
  const whole = (name: string, fallback: number, min = 1): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`${name} must be a whole number ≥ ${min}, got '${text}'`);
    return value;
  };
  const latencies = (env.BENCH_LATENCIES ?? '0,50').split(',').map((text) => {
    const value = Number(text.trim());
    if (!Number.isInteger(value) || value < 0 || value > 60_000) {
      throw new Error(`BENCH_LATENCIES must be whole milliseconds between 0 and 60000, got '${text}'`);
    }
    return value;
  });
  const parts = new Set((env.BENCH_ONLY ?? PARTS.join(',')).split(',').map((part) => part.trim()));
  for (const part of parts) {
    if (!PARTS.includes(part))
      throw new Error(`BENCH_ONLY names parts among ${PARTS.join(', ')}, got '${part}'`);
  }
  return {
    agents: whole('BENCH_AGENTS', 16),
    seconds: whole('BENCH_SECONDS', 15),
    latencies,
    probes: whole('BENCH_PROBES', 3),
    slices: whole('BENCH_SLICES', 5),
    tokenBurst: whole('BENCH_TOKEN_BURST', 8),
    warmUpResets: whole('BENCH_WARM_UP_RESETS', 300),
    warmUpEchoes: whole('BENCH_WARM_UP_ECHOES', 3000),
    cards: whole('BENCH_CARDS', 1000),
    starts: whole('BENCH_STARTS', 5),
    parts,
    extraUsers: whole('EXTRA_USERS', 100_000, 0),
    rounds: whole('ROUNDS', 40),
  };
}

interface Results {
  date: string;
  machine: Record<string, string | number>;
  settings: Omit<Settings, 'parts'> & { parts: string[] };
  load?: LoadFigures;
  openCards?: OpenCardsFigures;
  startup?: StartupFigures;
  directory?: DirectoryScale;
}

function machine(): Record<string, string | number> {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    loadBefore: loadAverage(),
    commit: `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') === '' ? '' : ' (with uncommitted changes)'}`,
  };
}

/** The 1-, 5- and 15-minute load averages: CPU figures are steadier than times, but neither is immune. */
const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** The probe with the median conversation time: its figures are the step's (probes agree on the counts). */
const typicalProbe = (figures: LatencyFigures) =>
  [...figures.probes].sort(
    (a, b) => a.messageToCardMs + a.clickToPasswordMs - (b.messageToCardMs + b.clickToPasswordMs),
  )[Math.floor(figures.probes.length / 2)];

/** Whether all probes agree on a figure; if not, its range. */
function agreed(figures: LatencyFigures, read: (probe: LatencyFigures['probes'][number]) => number): string {
  const values = figures.probes.map(read);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? '' : ` (probes: ${low} to ${high})`;
}

function cpuFigures(figures: LatencyFigures) {
  const reset = figures.reset;
  const echo = figures.echo;
  const botMsPerReset = (reset.cpuSeconds * 1000) / reset.completed;
  const turnsPerReset = reset.turns / reset.completed;
  const echoMsPerTurn = (echo.cpuSeconds * 1000) / echo.turns;
  return {
    botMsPerReset,
    turnsPerReset,
    echoMsPerTurn,
    ratio: botMsPerReset / (echoMsPerTurn * turnsPerReset),
    resetsPerCpuSecond: reset.completed / reset.cpuSeconds,
    simulatorMsPerReset: (reset.simulatorCpuSeconds * 1000) / reset.completed,
    driverMsPerReset: (reset.driverCpuSeconds * 1000) / reset.completed,
    resetsPerSecond: reset.completed / (reset.elapsedMs / 1000),
  };
}

function report(results: Results): string[] {
  const lines: string[] = [];
  const m = results.machine;
  const s = results.settings;
  lines.push(
    `Machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGb} GB, Linux ${m.kernel}, Node.js ${m.node}; commit ${m.commit}; ${results.date}.`,
    `Load average (other processes share this machine): ${m.loadBefore} before, ${m.loadAfter} after; the run took ${m.minutes} min.`,
    `Load: ${s.agents} agents at once, ${s.seconds} s per bot and latency; added latency per Graph and Bot Connector call: ${s.latencies.join(' and ')} ms.`,
    '',
  );
  const columns = results.load?.latencies ?? [];
  // One column per latency; figures measured once (memory, start-up, directory) sit in the first.
  const headings = columns.length > 0 ? columns.map((f) => `${f.latencyMs} ms added latency`) : ['measured'];
  const row = (measure: string, cell: (f: LatencyFigures) => string, issue: string) =>
    lines.push(`| ${measure} | ${columns.map(cell).join(' | ')} | ${issue} |`);
  const single = (measure: string, value: string, issue: string) =>
    lines.push(`| ${measure} | ${[value, ...headings.slice(1).map(() => '')].join(' | ')} | ${issue} |`);
  lines.push(
    `| measure | ${headings.join(' | ')} | issue #11: now → target |`,
    `| --- | ${headings.map(() => '---').join(' | ')} | --- |`,
  );

  if (columns.length > 0) {
    row(
      'sequential Graph round trips, "reset meganb@contoso.com" → confirmation card',
      (f) => {
        const p = typicalProbe(f);
        if (!p) return '–';
        const calls = `${p.messageCalls.requests} calls`;
        return f.latencyMs === 0
          ? `– (${calls})`
          : `${p.messageDepth.graph} (${calls})${agreed(f, (x) => x.messageDepth.graph)}`;
      },
      '4 (14 calls) → ≤ 2',
    );
    row(
      'sequential external round trips, Reset password click → password posted',
      (f) => {
        const p = typicalProbe(f);
        if (!p) return '–';
        const calls = `${p.clickToPasswordCalls.requests} Graph calls`;
        const d = p.clickToPasswordDepth;
        return f.latencyMs === 0
          ? `– (${calls})`
          : `${d.graph} Graph + ${d.connector} connector (${calls})${agreed(f, (x) => x.clickToPasswordDepth.total)}`;
      },
      '4 Graph + 2 connector (11 Graph calls) → ≤ 2 Graph + 1 connector',
    );
    row(
      'Graph calls per complete reset (HTTP requests; inside $batch)',
      (f) => {
        const p = typicalProbe(f);
        if (!p) return '–';
        const c = p.resetCalls;
        return `${c.requests} (${c.httpRequests} HTTP; ${c.inBatch} in $batch)${agreed(f, (x) => x.resetCalls.requests)}`;
      },
      '25 → ≤ 10',
    );
    row(
      'bot CPU per reset ÷ (echo bot CPU per turn × turns per reset)',
      (f) => {
        const c = cpuFigures(f);
        const ratios = f.slices.map((x) => x.botMsPerReset / (x.echoMsPerTurn * x.turnsPerReset));
        const range = `slices ${Math.min(...ratios).toFixed(1)} to ${Math.max(...ratios).toFixed(1)}`;
        return `${c.ratio.toFixed(1)} (${c.botMsPerReset.toFixed(1)} ms ÷ (${c.echoMsPerTurn.toFixed(2)} ms × ${c.turnsPerReset.toFixed(0)}); ${range})`;
      },
      '13.7 → ≤ 3',
    );
    row(
      'complete resets per bot CPU-second',
      (f) => cpuFigures(f).resetsPerCpuSecond.toFixed(1),
      'about 18 (0 ms) → ≥ 80',
    );
  }
  if (results.openCards) {
    const o = results.openCards;
    single(
      `bot RSS with ${o.cards.toLocaleString('en')} open confirmation cards`,
      `${o.botWithCards.peakRssMb.toFixed(0)} MB peak, ${o.botWithCards.rssMb.toFixed(0)} MB after (${o.botStarted.rssMb.toFixed(0)} MB at start; echo bot after as many turns: ${o.echoAfterTurns.peakRssMb.toFixed(0)} MB peak, ${o.echoAfterTurns.rssMb.toFixed(0)} MB after)${o.failures.length > 0 ? `; ${o.failures.length} FAILED` : ''}`,
      '264 to 419 MB peak → < 200 MB',
    );
  }
  if (results.startup) {
    const bot = median(results.startup.botMs);
    const echo = median(results.startup.echoMs);
    single(
      'start-up to `/healthz` 200, ÷ echo bot',
      `${(bot / echo).toFixed(2)}× (${bot.toFixed(0)} ms ÷ ${echo.toFixed(0)} ms, medians of ${results.startup.botMs.length})`,
      '2.4× → ≤ 1.5×',
    );
  }
  if (results.load) {
    const t = results.load.expiringToken;
    single(
      `token requests when ${t.turns} turns arrive with the token expiring`,
      `${t.tokenRequests.graph} for Graph (and ${t.tokenRequests.botConnector} for the Bot Connector, by botbuilder), at ${t.latencyMs} ms latency, token endpoint included`,
      '24 → 1',
    );
  }
  if (results.directory) {
    const d = results.directory;
    const spread = (read: (lookup: Lookup, which: 'demo' | 'scaled') => number) =>
      Math.max(
        ...(Object.keys(LOOKUPS) as Lookup[]).map((l) => Math.abs(read(l, 'scaled') / read(l, 'demo') - 1)),
      );
    const calls = spread((l, w) => d[w].lookups[l].calls.requests);
    const bytes = spread((l, w) => d[w].lookups[l].calls.bytes);
    single(
      `Graph calls and bytes per lookup, demo tenant vs +${d.extraUsers.toLocaleString('en')} users`,
      `calls ${calls === 0 ? 'equal' : `differ by up to ${(calls * 100).toFixed(0)}%`}, bytes ${bytes === 0 ? 'equal' : `within ${(bytes * 100).toFixed(1)}%`} (table below)`,
      'equal (keep it) → equal within 10%',
    );
  }
  if (columns.length > 0) {
    row(
      'simulator CPU per reset (not the bot)',
      (f) => `${cpuFigures(f).simulatorMsPerReset.toFixed(1)} ms`,
      '',
    );
    row(
      'driver and loopback connector CPU per reset',
      (f) => `${cpuFigures(f).driverMsPerReset.toFixed(1)} ms`,
      '',
    );
    row(
      'complete resets per second; failures',
      (f) =>
        `${cpuFigures(f).resetsPerSecond.toFixed(1)}/s over ${(f.reset.elapsedMs / 1000).toFixed(0)} s; ${f.reset.failures.length + f.echo.failures.length}`,
      '',
    );
    lines.push('', 'Latency per step under load, milliseconds (p50 / p95 / p99):', '');
    lines.push(
      `| step | ${columns.map((f) => `${f.latencyMs} ms`).join(' | ')} |`,
      `| --- | ${columns.map(() => '---').join(' | ')} |`,
    );
    const step = (name: string, read: (f: LatencyFigures) => LatencySummary) =>
      lines.push(`| ${name} | ${columns.map((f) => percentiles(read(f))).join(' | ')} |`);
    step('message → confirmation card', (f) => f.reset.steps.messageToCard);
    step('click → "Resetting…" answer', (f) => f.reset.steps.clickToAnswer);
    step('click → password posted', (f) => f.reset.steps.clickToPassword);
    step('click → card updated', (f) => f.reset.steps.clickToCardUpdated);
    step('echo bot: message → echo', (f) => f.echo.turn);
  }
  if (results.directory) {
    lines.push(
      '',
      `Directory look-ups (median of ${results.directory.rounds} rounds; calls and bytes of one look-up):`,
      '',
      ...directoryScaleTable(results.directory),
    );
  }
  const failures = [
    ...columns.flatMap((f) => [...f.reset.failures, ...f.echo.failures]),
    ...(results.openCards?.failures ?? []),
  ];
  if (failures.length > 0) {
    lines.push(
      '',
      `FAILED conversations: ${failures.length}; the first: ${[...new Set(failures)].slice(0, 5).join(' | ')}`,
    );
  }
  return lines;
}

const percentiles = (s: LatencySummary): string =>
  `${s.p50.toFixed(0)} / ${s.p95.toFixed(0)} / ${s.p99.toFixed(0)}`;

async function main(): Promise<void> {
  const s = settings(process.env);
  const begun = Date.now();
  const results: Results = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: { ...s, parts: [...s.parts] },
  };
  const progress = (text: string) =>
    process.stderr.write(`bench: ${((Date.now() - begun) / 1000).toFixed(0).padStart(4)} s  ${text}\n`);
  const rig = await startRig();
  try {
    if (s.parts.has('load')) {
      progress(`warming up, then resets and echoes at ${s.latencies.join(' and ')} ms added latency…`);
      results.load = await measureLoads(rig, {
        latenciesMs: s.latencies,
        agents: s.agents,
        seconds: s.seconds,
        slices: s.slices,
        probes: s.probes,
        tokenBurst: s.tokenBurst,
        warmUpResets: s.warmUpResets,
        warmUpEchoes: s.warmUpEchoes,
      });
    }
    if (s.parts.has('cards')) {
      progress(`${s.cards} open confirmation cards…`);
      results.openCards = await measureOpenCards(rig, s.cards, s.agents);
    }
    if (s.parts.has('startup')) {
      progress(`start-up, ${s.starts} times each…`);
      results.startup = await measureStartup(rig, s.starts);
    }
  } finally {
    await stopRig(rig);
  }
  if (s.parts.has('directory')) {
    progress(`directory look-ups, demo tenant vs +${s.extraUsers} users…`);
    results.directory = await measureDirectoryScale(s.extraUsers, s.rounds);
  }

  results.machine.loadAfter = loadAverage();
  results.machine.minutes = ((Date.now() - begun) / 60_000).toFixed(1);
  for (const line of report(results)) console.log(line);
  const folder = resolve(__dirname, '../../bench/results');
  mkdirSync(folder, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(folder, 'latest.json'), json);
  writeFileSync(join(folder, `${results.date.replace(/[:.]/g, '-')}.json`), json);
  console.log(`\nFigures: bench/results/latest.json`);
  const failed = report(results).some((line) => line.startsWith('FAILED'));
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
