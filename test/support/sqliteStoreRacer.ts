import { createInterface } from 'node:readline';
import { SqliteStateStore } from '../../storage/sqliteStateStore';

/**
 * A second process on the same SQLite file, for test/storage/sqliteStateStore.test.ts: opens the file, reads the
 * eTags of `race/update/<round>`, prints "ready", and on a line on stdin naming a start instant (Unix ms) races the
 * parent from that instant, round by round: a create of `race/create/<round>` and a conditional write of
 * `race/update/<round>`. Prints its outcomes as JSON. The shared start makes the two loops overlap: without it
 * the parent would be done before the child had read its line.
 *
 * Usage: node sqliteStoreRacer.js <file> <name> <rounds>
 */
export type RaceOutcome = 'written' | 'conflict';

export interface RacerReport {
  creates: RaceOutcome[];
  updates: RaceOutcome[];
}

export function raceKeys(round: number): { create: string; update: string } {
  return { create: `race/create/${round}`, update: `race/update/${round}` };
}

/** Runs the rounds on `store`: the same code in the parent and in the child. */
export async function race(
  store: SqliteStateStore,
  name: string,
  updateETags: string[],
  startAt: number,
): Promise<RacerReport> {
  // Busy-waits on purpose: a timer's delay would let the two processes start further apart.
  while (Date.now() < startAt);
  const report: RacerReport = { creates: [], updates: [] };
  for (let round = 0; round < updateETags.length; round += 1) {
    const keys = raceKeys(round);
    report.creates.push(
      await outcomeOf(store.write({ [keys.create]: { by: name, eTag: `create-by-${name}` } })),
    );
    report.updates.push(
      await outcomeOf(store.write({ [keys.update]: { by: name, eTag: updateETags[round] } })),
    );
  }
  return report;
}

export async function updateETagsOf(store: SqliteStateStore, rounds: number): Promise<string[]> {
  const keys = Array.from({ length: rounds }, (_, round) => raceKeys(round).update);
  const items = await store.read(keys);
  return keys.map((key) => {
    const eTag = items[key]?.eTag;
    if (eTag === undefined) throw new Error(`${key} was not prepared`);
    return eTag;
  });
}

async function outcomeOf(write: Promise<void>): Promise<RaceOutcome> {
  try {
    await write;
    return 'written';
  } catch (error) {
    if ((error as { statusCode?: unknown }).statusCode === 412) return 'conflict';
    throw error;
  }
}

async function main(): Promise<void> {
  const [file, name, rounds] = process.argv.slice(2);
  if (file === undefined || name === undefined || rounds === undefined) {
    throw new Error('usage: sqliteStoreRacer <file> <name> <rounds>');
  }
  const store = new SqliteStateStore({ file, lifetimeOf: () => 24 * 60 * 60 * 1000 });
  const eTags = await updateETagsOf(store, Number(rounds));
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<string>((resolve) => lines.once('line', resolve));
  process.stdout.write('ready\n');
  const startAt = Number(await go);
  lines.close();
  const report = await race(store, name, eTags, startAt);
  await store.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
