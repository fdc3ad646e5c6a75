import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { TokenService } from './auth/tokenService';
import { AuthorizationCodes } from './auth/authorizationCodes';
import { UserTokenStore } from './botFramework/userTokenStore';
import type { SimulatorContext } from './context';
import { CallLog } from './control/callLog';
import { FaultRegistry } from './control/faults';
import { Directory, type TenantLicence } from './directory/directory';
import { createDispatcher } from './dispatcher';
import { syntheticUsers } from './fixture/syntheticUsers';
import { loadDemoTenant } from './fixture/tenantFixture';
import { createHttpsServer } from './http/server';
import {
  certificateBlock,
  certificateThumbprints,
  prepareKeyMaterial,
  type KeyMaterial,
} from './state/certificates';
import { withStateLock } from './state/stateFolder';

export { stateFiles } from './state/certificates';
export type { TenantLicence } from './directory/directory';

export interface SimulatorOptions {
  /** 0 (default): a free port. */
  port?: number;
  /** Where the CA, server certificate and signing keys live; default `.sim-state` (relative to the cwd). */
  stateDir?: string;
  /** Synthetic users added to the demo tenant (scale tests). */
  extraUsers?: number;
  /** Latency added to every Graph call, in milliseconds (benchmarks); changeable with `PUT /_sim/latency`. */
  latencyMs?: number;
  /**
   * The tenant's Entra ID licence (default `P2`). With `P1`, PIM is not licensed: there are no eligible role
   * assignments and `roleEligibilityScheduleInstances` answers 400 `AadPremiumLicenseRequired`. Changeable
   * with `PUT /_sim/licence`.
   */
  licence?: TenantLicence;
}

export interface RunningSimulator {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  tenantId: string;
  /** `<stateDir>/ca.pem`: trust it with `NODE_EXTRA_CA_CERTS` (read at process start only). */
  caCertPath: string;
  /** Value of the `x-sim-control-key` header the `/_sim/` API requires; new on every start. */
  controlKey: string;
  close(): Promise<void>;
}

/** Creates or reuses the state folder's CA, server certificate and keys, without starting a server. */
export async function prepareSimulatorState(stateDir = '.sim-state'): Promise<KeyMaterial> {
  const dir = resolve(stateDir);
  return withStateLock(dir, () => prepareKeyMaterial(dir));
}

/** Starts the simulated tenant on 127.0.0.1 over HTTPS. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const keys = await prepareSimulatorState(options.stateDir ?? '.sim-state');
  const fixture = loadDemoTenant();
  const extra = syntheticUsers(options.extraUsers ?? 0);
  const appCertPem = certificateBlock(keys.appClientCertPem);
  const latencyMs = options.latencyMs ?? 0;
  const licence = options.licence ?? 'P2';
  const context: SimulatorContext = {
    directory: new Directory(fixture, extra, licence),
    rebuildDirectory: () => new Directory(fixture, extra, licence),
    tokens: new TokenService(keys.tokenSigningKeyPem, keys.tokenSigningKeyId, fixture.tenant.id),
    authorizationCodes: new AuthorizationCodes(),
    userTokens: new UserTokenStore(),
    generatedAppCertificate: { certPem: appCertPem, ...certificateThumbprints(appCertPem) },
    faults: new FaultRegistry(),
    calls: new CallLog(),
    latencyMs,
    initialLatencyMs: latencyMs,
    controlKey: randomBytes(24).toString('base64url'),
  };

  const server = createHttpsServer(
    { cert: keys.serverCertPem, key: keys.serverKeyPem },
    createDispatcher(context),
  );
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    tenantId: fixture.tenant.id,
    caCertPath: keys.caCertPath,
    controlKey: context.controlKey,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.close((error) => (error ? reject(error) : resolveClose()));
        // Keep-alive sockets of Graph/MSAL clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
