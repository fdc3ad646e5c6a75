import { performance } from 'node:perf_hooks';
import { GraphDirectory } from '../graph/graphDirectory';
import { createGraphClient } from '../graph/graphClient';
import { type RunningSimulator, startSimulator } from '../simulator';
import { countGraphCalls, type GraphCallCount, type SimulatorCall } from './support/callLog';
import { BOT_APP_ID, BOT_APP_SECRET, MEGAN_ID } from './support/tenant';

/**
 * How the bot's directory look-ups scale with the size of the tenant. Each look-up is measured against the
 * demo tenant (50 users) and against the same tenant with 100,000 synthetic users, in one run: its time (as a
 * ratio: these machines are too noisy for absolute times to mean much), and the Graph calls it makes and the
 * bytes Graph answers with, which must not grow with the tenant.
 *
 *   node dist/bench/directoryScale.js   (part of `npm run bench`; EXTRA_USERS and ROUNDS override the defaults)
 */
export const LOOKUPS = {
  searchByName: 'find users by name prefix',
  searchByUpn: 'find users by UPN',
  getUser: 'get a user by id',
  roles: "read a user's roles and role-assignable groups",
} as const;
export type Lookup = keyof typeof LOOKUPS;

export interface LookupFigures {
  /** Median milliseconds over the rounds. */
  ms: number;
  /** Graph calls and answer bytes of one look-up. */
  calls: GraphCallCount;
}

export interface DirectoryFigures {
  startMs: number;
  lookups: Record<Lookup, LookupFigures>;
}

export interface DirectoryScale {
  extraUsers: number;
  rounds: number;
  demo: DirectoryFigures;
  scaled: DirectoryFigures;
}

async function measure(extraUsers: number, rounds: number): Promise<DirectoryFigures> {
  const started = performance.now();
  const simulator = await startSimulator({ extraUsers });
  const startMs = performance.now() - started;
  try {
    const directory = directoryFor(simulator);
    await directory.findUsers('meg', 10); // the first call fetches the token; keep it out of the figures
    const work: Record<Lookup, () => Promise<unknown>> = {
      searchByName: () => directory.findUsers('meg', 10),
      searchByUpn: () => directory.findUsers('meganb@contoso.com', 10),
      getUser: () => directory.getUser(MEGAN_ID),
      roles: () => directory.getUserRoles(MEGAN_ID),
    };
    const lookups = {} as Record<Lookup, LookupFigures>;
    for (const lookup of Object.keys(LOOKUPS) as Lookup[]) {
      lookups[lookup] = {
        calls: await callsOf(simulator, work[lookup]),
        ms: await median(work[lookup], rounds),
      };
    }
    return { startMs, lookups };
  } finally {
    await simulator.close();
  }
}

/** The Graph calls one run of `work` makes, from the simulator's call log. */
async function callsOf(simulator: RunningSimulator, work: () => Promise<unknown>): Promise<GraphCallCount> {
  const control = (method: string) =>
    fetch(`${simulator.url}/_sim/calls`, { method, headers: { 'x-sim-control-key': simulator.controlKey } });
  await control('DELETE');
  await work();
  const { value } = (await (await control('GET')).json()) as { value: SimulatorCall[] };
  return countGraphCalls(value);
}

function directoryFor(simulator: RunningSimulator): GraphDirectory {
  return new GraphDirectory(
    createGraphClient({
      tenantId: simulator.tenantId,
      clientId: BOT_APP_ID,
      clientSecret: BOT_APP_SECRET,
      authorityHost: simulator.url,
      graphBaseUrl: simulator.url,
    }),
  );
}

async function median(work: () => Promise<unknown>, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

/** The fastest of two measurements of each figure (their calls are the same), so drift hits both alike. */
function best(a: DirectoryFigures, b: DirectoryFigures): DirectoryFigures {
  const lookups = {} as Record<Lookup, LookupFigures>;
  for (const lookup of Object.keys(LOOKUPS) as Lookup[]) {
    lookups[lookup] = { ...a.lookups[lookup], ms: Math.min(a.lookups[lookup].ms, b.lookups[lookup].ms) };
  }
  return { startMs: Math.min(a.startMs, b.startMs), lookups };
}

/** The demo tenant and the scaled one, interleaved twice so that drift on a busy machine hits both alike. */
export async function measureDirectoryScale(extraUsers: number, rounds: number): Promise<DirectoryScale> {
  const demo = await measure(0, rounds);
  const scaled = await measure(extraUsers, rounds);
  const demo2 = await measure(0, rounds);
  const scaled2 = await measure(extraUsers, rounds);
  return { extraUsers, rounds, demo: best(demo, demo2), scaled: best(scaled, scaled2) };
}

/** The figures as a Markdown table: time, calls and bytes, demo tenant against the scaled one. */
export function directoryScaleTable(scale: DirectoryScale): string[] {
  const users = `+${scale.extraUsers.toLocaleString('en')} users`;
  const lines = [
    `| look-up | demo tenant | ${users} | ratio |`,
    '| --- | --- | --- | --- |',
    `| simulator start-up | ${scale.demo.startMs.toFixed(1)} ms | ${scale.scaled.startMs.toFixed(1)} ms | ${(scale.scaled.startMs / scale.demo.startMs).toFixed(1)}× |`,
  ];
  for (const lookup of Object.keys(LOOKUPS) as Lookup[]) {
    const demo = scale.demo.lookups[lookup];
    const scaled = scale.scaled.lookups[lookup];
    lines.push(
      `| ${LOOKUPS[lookup]}: time | ${demo.ms.toFixed(1)} ms | ${scaled.ms.toFixed(1)} ms | ${(scaled.ms / demo.ms).toFixed(1)}× |`,
      `| ${LOOKUPS[lookup]}: Graph requests (HTTP) | ${demo.calls.requests} (${demo.calls.httpRequests}) | ${scaled.calls.requests} (${scaled.calls.httpRequests}) | ${(scaled.calls.requests / demo.calls.requests).toFixed(2)}× |`,
      `| ${LOOKUPS[lookup]}: bytes | ${demo.calls.bytes.toLocaleString('en')} | ${scaled.calls.bytes.toLocaleString('en')} | ${(scaled.calls.bytes / demo.calls.bytes).toFixed(2)}× |`,
    );
  }
  return lines;
}

if (require.main === module) {
  const extraUsers = Number(process.env.EXTRA_USERS ?? 100_000);
  const rounds = Number(process.env.ROUNDS ?? 40);
  measureDirectoryScale(extraUsers, rounds).then(
    (scale) => {
      console.log(
        `Directory scale: demo tenant vs. +${extraUsers.toLocaleString('en')} users, median of ${rounds} rounds`,
      );
      for (const line of directoryScaleTable(scale)) console.log(line);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
