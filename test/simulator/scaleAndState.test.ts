import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareSimulatorState, stateFiles } from '../../simulator';
import { SimulatorHarness, stateDir } from './harness';

describe('simulator: scale and state folder', () => {
  it('reuses the CA across runs, so that a trusted ca.pem stays valid', async () => {
    const before = readFileSync(join(stateDir, stateFiles.caCert), 'utf8');
    await prepareSimulatorState(stateDir);
    assert.equal(readFileSync(join(stateDir, stateFiles.caCert), 'utf8'), before);
  });

  it('starts with 100,000 extra users within a few seconds and searches them quickly', async function () {
    this.timeout(60_000);
    const started = Date.now();
    const h = await SimulatorHarness.start({ extraUsers: 100_000 });
    const startMs = Date.now() - started;
    try {
      const graph = h.botClient();
      await graph.api('/users').top(1).get();
      const queryStarted = Date.now();
      const page = (await graph
        .api('/users')
        .filter("startswith(displayName,'Zoe Zimmer') or startswith(userPrincipalName,'zoe.zimmer')")
        .top(999)
        .select('id')
        .get()) as { value: unknown[]; '@odata.nextLink'?: string };
      const queryMs = Date.now() - queryStarted;
      process.stdout.write(`      (start ${startMs} ms, filtered query over 100,049 users ${queryMs} ms)\n`);
      assert.ok(page.value.length > 0);
      assert.ok(startMs < 5_000, `start took ${startMs} ms`);
      assert.ok(queryMs < 2_000, `query took ${queryMs} ms`);
    } finally {
      await h.close();
    }
  });
});
