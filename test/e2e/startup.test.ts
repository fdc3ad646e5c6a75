import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processWarnings } from '../support/processes';

const ENTRY = path.resolve(__dirname, '../../bot/index.js');

/** Runs `npm start`'s entry point with exactly this environment, in `cwd`, and collects how it ended. */
function runServer(
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs = 15_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A minimal environment: nothing from the developer's shell (or a .env file) may leak in.
    const child = spawn(process.execPath, [ENTRY], {
      env: { PATH: process.env.PATH, ...env },
      cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not exit in time; stdout: ${stdout}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start (the production server)', function () {
  this.timeout(30_000);

  // Each server's store goes into a temporary folder: a test writes nothing into the repository.
  let stateFolder: string;
  before(() => {
    stateFolder = mkdtempSync(path.join(tmpdir(), 'helpdesk-reset-startup-'));
  });
  after(() => {
    rmSync(stateFolder, { recursive: true, force: true });
  });

  const graphIdentity = {
    AZURE_TENANT_ID: '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e',
    AZURE_CLIENT_ID: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
    AZURE_CLIENT_SECRET: 'graph-secret-for-this-test',
    PORT: '0',
  };
  const inTemporaryStore = (): NodeJS.ProcessEnv => ({
    STATE_SQLITE_FILE: path.join(stateFolder, 'state.sqlite'),
  });

  it('refuses to start without MicrosoftAppId, naming the variable and the dangerous switch', async () => {
    const { code, stderr } = await runServer({ ...graphIdentity, ...inTemporaryStore() }, stateFolder);
    assert.equal(code, 1);
    assert.match(stderr, /MicrosoftAppId is required/);
    assert.match(stderr, /BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED=true/);
    assert.ok(!stderr.includes('graph-secret-for-this-test'));
  });

  it('refuses to start in production even with the dangerous switch', async () => {
    const { code, stderr } = await runServer(
      {
        ...graphIdentity,
        ...inTemporaryStore(),
        BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
        NODE_ENV: 'production',
      },
      stateFolder,
    );
    assert.equal(code, 1);
    assert.match(stderr, /refused when NODE_ENV=production/);
  });

  it('names every malformed variable at once', async () => {
    const { code, stderr } = await runServer(
      { ...inTemporaryStore(), AZURE_TENANT_ID: 'contoso', PORT: 'x', MicrosoftAppId: 'bot' },
      stateFolder,
    );
    assert.equal(code, 1);
    for (const name of ['AZURE_TENANT_ID', 'PORT', 'MicrosoftAppId']) assert.match(stderr, new RegExp(name));
  });

  /** Resolves with the server's stdout once it says it listens; rejects if it exits or stays silent. */
  function startListening(child: ChildProcessWithoutNullStreams): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`no listening line: ${stdout}`)), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"msg":"listening"')) {
          clearTimeout(timer);
          resolve(stdout);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited (${String(code)}) before listening: ${stdout}`)));
    });
  }

  /**
   * `npm start`'s entry point with the dangerous switch, as for a local client, in `cwd` (the temporary
   * folder by default), on the temporary store unless `store` says otherwise.
   */
  function spawnLocalServer(
    store: NodeJS.ProcessEnv = inTemporaryStore(),
    cwd = stateFolder,
  ): ChildProcessWithoutNullStreams {
    return spawn(process.execPath, [ENTRY], {
      env: {
        PATH: process.env.PATH,
        ...graphIdentity,
        ...store,
        BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
      },
      cwd,
    });
  }

  it('without a store setting, keeps its state in data/helpdesk-reset.sqlite, readable by its user only', async () => {
    const workingFolder = mkdtempSync(path.join(stateFolder, 'cwd-'));
    const child = spawnLocalServer({}, workingFolder);
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await startListening(child);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await closed, 0, 'it stops cleanly on SIGTERM');
    const modeOf = (file: string) => statSync(path.join(workingFolder, file)).mode & 0o777;
    assert.equal(modeOf('data').toString(8), '700', 'the data folder');
    assert.equal(modeOf('data/helpdesk-reset.sqlite').toString(8), '600', 'the store file');
  });

  it('starts with the dangerous switch for local clients, and says so loudly', async () => {
    const child = spawnLocalServer();
    try {
      const output = await startListening(child);
      assert.match(output, /DANGER: Bot Framework authentication is OFF/);
      const url = /"url":"([^"]+)"/.exec(output)?.[1];
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  // Node deprecates APIs in one LTS line and removes them in a later one (restify 11's spdy called
  // process.binding('http_parser'): a warning on Node 20 and 22, a crash at start-up on 24), so the Node
  // running this suite, each line CI tests, must load and serve the bot without a single process warning.
  it(`starts, serves and stops on Node ${process.version} without a deprecation or other process warning`, async () => {
    const child = spawnLocalServer();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    try {
      const output = await startListening(child);
      const url = /"url":"([^"]+)"/.exec(output)?.[1];
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      assert.equal((await fetch(`${url}/api/messages`, { method: 'HEAD' })).status, 200);
      const malformed = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      assert.equal(malformed.status, 400, 'the body parser refuses malformed JSON');
    } finally {
      child.kill('SIGTERM');
    }
    await closed;
    assert.deepEqual(processWarnings(stderr), [], 'Node printed warnings (--trace-deprecation shows where)');
  });
});
