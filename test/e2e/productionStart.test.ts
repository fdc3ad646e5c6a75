import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { productionNodeOptions } from '../../demo/productionStart';
import { BotProcess, logLine } from '../support/botProcess';

/** Loaded into the bot process to list its modules when it answers its first request. */
const REPORTER = path.resolve(__dirname, '../support/reportLoadedModules.js');

/**
 * What production start-up must not load (issue #11: start-up to /healthz within 1.5× a bare echo bot), by the
 * path of a module file, and why.
 */
const NOT_AT_START: Array<{ what: string; module: RegExp; because: string }> = [
  {
    what: 'the Adaptive Cards renderer (adaptivecards)',
    module: /\/node_modules\/adaptivecards\//,
    because: "the Adaptive Cards renderer's bundle validates cards in tests only (cards/validateCard.ts)",
  },
  {
    what: 'the templating engine (adaptivecards-templating, adaptive-expressions)',
    module: /\/node_modules\/(adaptivecards-templating|adaptive-expressions)\//,
    because: 'the templating engine loads at the first readiness probe or card (cards/expandTemplate.ts)',
  },
  {
    what: "botbuilder-dialogs' index",
    module: /\/node_modules\/botbuilder-dialogs\/lib\/index\.js$/,
    because:
      "botbuilder-dialogs' index loads every prompt; the bot imports its classes (dialogs/botbuilderDialogs.ts)",
  },
  {
    what: 'the Recognizers-Text models',
    module: /\/node_modules\/@microsoft\/recognizers-text/,
    because:
      "they serve botbuilder's choice, number and date prompts; the bot asks for text (dialogs/plainTextPrompt.ts)",
  },
  {
    what: 'the Blob store (@azure/storage-blob, botbuilder-azure-blobs)',
    module: /\/node_modules\/(@azure\/storage-blob|botbuilder-azure-blobs)\//,
    because: 'the Blob store loads only when STATE_STORE=blob (bot/stateStores.ts)',
  },
];

describe('production start-up (npm start, SQLite store)', function () {
  this.timeout(30_000);

  let folder: string;
  /** The module files loaded when the process had answered its first request, /healthz; then /readyz. */
  let atHealthz: string[];
  let atReadyz: string[];
  /** The V8 heap's limit in the process, in MB. */
  let heapLimitMb: number;

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'helpdesk-reset-light-start-'));
    const bot = await BotProcess.start({
      env: {
        NODE_OPTIONS: `--require ${REPORTER}`,
        AZURE_TENANT_ID: '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e',
        AZURE_CLIENT_ID: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
        AZURE_CLIENT_SECRET: 'graph-secret-for-this-test',
        // Nothing listens there: the readiness probe's token request fails at once, and reaches no cloud.
        AZURE_AUTHORITY_HOST: 'https://127.0.0.1:1',
        MicrosoftAppId: '5b1e7c2a-9d4f-4e3b-8a6c-0f1e2d3c4b5a',
        MicrosoftAppPassword: 'bot-secret-for-this-test',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e',
        STATE_SQLITE_FILE: path.join(folder, 'state.sqlite'),
        PORT: '0',
      },
      cwd: folder,
    });
    const loadedOnceAnswered = async (requestPath: string): Promise<string[]> => {
      await (await fetch(`${bot.url}${requestPath}`)).text();
      const report = logLine(await bot.waitForLine((line) => logLine(line)?.answered === requestPath));
      heapLimitMb = Number(report?.heapLimitMb);
      return report?.loadedModules as string[];
    };
    try {
      atHealthz = await loadedOnceAnswered('/healthz');
      atReadyz = await loadedOnceAnswered('/readyz');
    } finally {
      await bot.stop();
    }
  });

  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('has loaded the bot and botbuilder by its first answer (the list is the real one)', () => {
    assert.ok(atHealthz.some((file) => file.endsWith(`${path.sep}bot${path.sep}app.js`)));
    assert.ok(atHealthz.some((file) => /\/node_modules\/botbuilder\//.test(file)));
    assert.ok(atHealthz.some((file) => /\/node_modules\/botbuilder-dialogs\/lib\/dialogSet\.js$/.test(file)));
  });

  for (const { what, module, because } of NOT_AT_START) {
    it(`does not load ${what} before its first answer: ${because}`, () => {
      assert.deepEqual(
        atHealthz.filter((file) => module.test(file)),
        [],
      );
    });
  }

  it("runs under npm start's heap limits, which keep 1,000 open cards under 200 MB (BENCHMARKS.md)", () => {
    // heap_size_limit is the old generation's limit plus the young generation's (3 semi-spaces).
    assert.equal(productionNodeOptions().join(' '), '--max-old-space-size=128 --max-semi-space-size=8');
    assert.ok(heapLimitMb > 128 && heapLimitMb <= 128 + 3 * 8, `heap limit ${heapLimitMb} MB`);
  });

  it('is started by the Dockerfile with the same Node.js options as npm start', () => {
    const dockerfile = readFileSync(path.resolve(__dirname, '../../../Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    assert.ok(cmd, 'the Dockerfile has an exec-form CMD');
    assert.deepEqual(JSON.parse(cmd), ['node', ...productionNodeOptions(), 'dist/bot/index.js']);
  });

  it('prepares the card templates at its first readiness probe, before a platform sends it traffic', () => {
    assert.ok(atReadyz.some((file) => /\/node_modules\/adaptivecards-templating\//.test(file)));
  });
});
