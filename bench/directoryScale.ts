import { performance } from 'node:perf_hooks';
import { GraphDirectory } from '../graph/graphDirectory';
import { createGraphClient } from '../graph/graphClient';
import { type RunningSimulator, startSimulator } from '../simulator';

/**
 * How the bot's directory look-ups scale with the size of the tenant. Each figure is measured against the
 * demo tenant (49 users) and against the same tenant with 100,000 synthetic users, in one run, and reported
 * as a ratio: these machines are too noisy for absolute times to mean much.
 *
 *   npm run bench            (EXTRA_USERS and ROUNDS override the defaults)
 */
const EXTRA_USERS = Number(process.env.EXTRA_USERS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 40);
const MEGAN = 'e1a00000-0000-4000-8000-000000000002';

interface Figures {
  startMs: number;
  searchByNameMs: number;
  searchByUpnMs: number;
  getUserMs: number;
  rolesMs: number;
}

async function measure(extraUsers: number): Promise<Figures> {
  const started = performance.now();
  const simulator = await startSimulator({ extraUsers });
  const startMs = performance.now() - started;
  try {
    const directory = directoryFor(simulator);
    await directory.findUsers('meg', 10); // first call fetches the token; keep it out of the figures
    return {
      startMs,
      searchByNameMs: await median(() => directory.findUsers('meg', 10)),
      searchByUpnMs: await median(() => directory.findUsers('meganb@contoso.com', 10)),
      getUserMs: await median(() => directory.getUser(MEGAN)),
      rolesMs: await median(() => directory.getUserRoles(MEGAN)),
    };
  } finally {
    await simulator.close();
  }
}

function directoryFor(simulator: RunningSimulator): GraphDirectory {
  return new GraphDirectory(
    createGraphClient({
      tenantId: simulator.tenantId,
      clientId: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
      clientSecret: 'sim-demo-client-secret',
      authorityHost: simulator.url,
      graphBaseUrl: simulator.url,
    }),
  );
}

async function median(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  // Interleave baseline and scale twice so that drift on a busy machine hits both alike.
  const baseline = await measure(0);
  const scaled = await measure(EXTRA_USERS);
  const baseline2 = await measure(0);
  const scaled2 = await measure(EXTRA_USERS);
  const rows: Array<[string, keyof Figures]> = [
    ['simulator start-up', 'startMs'],
    ['findUsers by name prefix', 'searchByNameMs'],
    ['findUsers by UPN', 'searchByUpnMs'],
    ['getUser by id', 'getUserMs'],
    ['getUserRoles', 'rolesMs'],
  ];
  console.log(
    `Directory scale: demo tenant vs. +${EXTRA_USERS.toLocaleString('en')} users, median of ${ROUNDS} rounds`,
  );
  console.log('measure                      baseline ms   scaled ms   ratio');
  for (const [name, key] of rows) {
    const base = Math.min(baseline[key], baseline2[key]);
    const scale = Math.min(scaled[key], scaled2[key]);
    console.log(
      `${name.padEnd(28)} ${base.toFixed(1).padStart(11)} ${scale.toFixed(1).padStart(11)} ${(scale / base).toFixed(1).padStart(7)}x`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
