import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareSimulatorState, startSimulator, stateFiles, type TenantLicence } from './index';

/**
 * CLI: `node dist/simulator/main.js [--port N] [--users N] [--state-dir D] [--latency-ms N] [--licence P1|P2]
 * [--prepare-only]`.
 * Prints one JSON line `{"event":"listening",…}` on stdout and writes the same to `<stateDir>/endpoint.json`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      users: { type: 'string', default: '0' },
      'state-dir': { type: 'string', default: '.sim-state' },
      'latency-ms': { type: 'string', default: '0' },
      licence: { type: 'string', default: 'P2' },
      'prepare-only': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const stateDir = resolve(values['state-dir']);
  const port = nonNegativeInteger('--port', values.port, 65535);
  const users = nonNegativeInteger('--users', values.users, 1_000_000);
  const latencyMs = nonNegativeInteger('--latency-ms', values['latency-ms'], 60_000);
  const licence = tenantLicence(values.licence);

  if (values['prepare-only']) {
    const keys = await prepareSimulatorState(stateDir);
    process.stdout.write(JSON.stringify({ event: 'prepared', caCertPath: keys.caCertPath }) + '\n');
    return;
  }
  const started = Date.now();
  const sim = await startSimulator({ port, stateDir, extraUsers: users, latencyMs, licence });
  const endpoint = {
    event: 'listening',
    url: sim.url,
    port: sim.port,
    tenantId: sim.tenantId,
    caCertPath: sim.caCertPath,
    controlKey: sim.controlKey,
  };
  writeFileSync(join(stateDir, stateFiles.endpoint), JSON.stringify(endpoint) + '\n', { mode: 0o600 });
  process.stdout.write(JSON.stringify(endpoint) + '\n');
  process.stderr.write(
    `simulator: ready in ${Date.now() - started} ms with ${users} extra users, Entra ID ${licence}\n`,
  );

  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function tenantLicence(text: string): TenantLicence {
  if (text !== 'P1' && text !== 'P2') {
    process.stderr.write(`simulator: --licence expects P1 or P2, got '${text}'\n`);
    process.exit(2);
  }
  return text;
}

function nonNegativeInteger(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) {
    process.stderr.write(`simulator: ${flag} expects an integer between 0 and ${max}, got '${text}'\n`);
    process.exit(2);
  }
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
