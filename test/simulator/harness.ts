import { join } from 'node:path';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  UsernamePasswordCredential,
  type TokenCredential,
} from '@azure/identity';
import { Client, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { startSimulator, stateFiles, type RunningSimulator, type TenantLicence } from '../../simulator';

/** Fixture facts the tests rely on (simulator/fixture/demoTenant.json). */
export const demo = {
  tenantId: '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e',
  botAppId: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
  botServicePrincipalId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  botSecret: 'sim-demo-client-secret',
  reportsAppId: '5b1e7d2a-8c4f-4b6e-9a3d-2f1c0e9b8a7d',
  reportsSecret: 'sim-reports-client-secret',
  noRoleAppId: '7d3a9f4c-0e6b-4d8a-9c5f-4b3e2a1d0c9f',
  noRoleSecret: 'sim-norole-client-secret',
  outdatedConsentAppId: '2c9d4e6f-7a8b-4c1d-9e2f-3a4b5c6d7e8f',
  outdatedConsentSecret: 'sim-outdated-consent-secret',
  initialPassword: 'Sim-Initial-7f3Q!',
  /** The AU the bot's service principal's User Administrator role is scoped to. */
  helpdeskServedUnitId: 'e1a0a000-0000-4000-8000-000000000003',
  passwordMethodId: '28c10230-6103-485e-b985-444c60001490',
} as const;

export const userId = (nn: string): string => `e1a00000-0000-4000-8000-0000000000${nn}`;

export const stateDir = '.sim-state';

/** A simulator for one test file, with helpers bound to it. */
export class SimulatorHarness {
  private constructor(readonly sim: RunningSimulator) {}

  static async start(
    options: { extraUsers?: number; licence?: TenantLicence } = {},
  ): Promise<SimulatorHarness> {
    return new SimulatorHarness(await startSimulator({ stateDir, ...options }));
  }

  close(): Promise<void> {
    return this.sim.close();
  }

  get credentialOptions(): { authorityHost: string; disableInstanceDiscovery: true } {
    return { authorityHost: this.sim.url, disableInstanceDiscovery: true };
  }

  /** The Graph client exactly as a production client built from Microsoft's documentation. */
  graphClient(credential: TokenCredential): Client {
    return Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(credential, {
        scopes: ['https://graph.microsoft.com/.default'],
      }),
      baseUrl: this.sim.url + '/',
      customHosts: new Set(['127.0.0.1']),
    });
  }

  appCredential(appId: string = demo.botAppId, secret: string = demo.botSecret): ClientSecretCredential {
    return new ClientSecretCredential(this.sim.tenantId, appId, secret, this.credentialOptions);
  }

  certificateCredential(
    certificatePath = join(stateDir, stateFiles.appClientCert),
  ): ClientCertificateCredential {
    return new ClientCertificateCredential(
      this.sim.tenantId,
      demo.botAppId,
      { certificatePath },
      this.credentialOptions,
    );
  }

  /** A delegated credential for a fixture user (resource-owner password grant). */
  userCredential(upn: string, password: string = demo.initialPassword): UsernamePasswordCredential {
    return new UsernamePasswordCredential(
      this.sim.tenantId,
      demo.botAppId,
      upn,
      password,
      this.credentialOptions,
    );
  }

  /** The bot's app-only Graph client. */
  botClient(): Client {
    return this.graphClient(this.appCredential());
  }

  userClient(upn: string): Client {
    return this.graphClient(this.userCredential(upn));
  }

  async control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.sim.url}/_sim/${path}`, {
      method,
      headers: { 'x-sim-control-key': this.sim.controlKey, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Replaces the app's service principal's direct directory roles (`PUT /_sim/apps/{appId}/roles`). */
  async setAppRoles(
    appId: string,
    roleAssignments: { roleDefinitionId: string; directoryScopeId?: string }[],
  ): Promise<void> {
    const { status } = await this.control('PUT', `apps/${appId}/roles`, { roleAssignments });
    if (status !== 200) throw new Error(`setting roles answered ${status}`);
  }

  async reset(): Promise<void> {
    const { status } = await this.control('POST', 'reset');
    if (status !== 204) throw new Error(`reset answered ${status}`);
  }

  async signIn(userPrincipalName: string, password: string): Promise<SignInAnswer> {
    return (await this.control('POST', 'signin', { userPrincipalName, password })).json as SignInAnswer;
  }

  async userState(idOrUpn: string): Promise<UserState> {
    return (await this.control('GET', `users/${encodeURIComponent(idOrUpn)}/state`)).json as UserState;
  }

  /** Raw HTTPS call with the bot's app token, for asserting exact headers and bodies. */
  async rawGraph(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<Response> {
    const token = await this.appCredential().getToken('https://graph.microsoft.com/.default');
    return fetch(`${this.sim.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token.token}`,
        'content-type': 'application/json',
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  }
}

export interface SignInAnswer {
  signedIn: boolean;
  passwordChangeRequired: boolean;
  mfaRequired: boolean;
  error?: string;
}

export interface UserState {
  id: string;
  forceChangePasswordNextSignIn: boolean;
  forceChangePasswordNextSignInWithMfa: boolean;
  lastPasswordChangeDateTime: string | null;
  signInSessionsValidFromDateTime: string | null;
  /** Synced users only: the simulated on-premises account. */
  onPremises: { adminCount: 0 | 1; passwordWrittenBackDateTime: string | null } | null;
}

/** Turns off the SDK's own retries (3 × Retry-After) so that a fault surfaces immediately. */
export const noRetry = [new RetryHandlerOptions(0, 0)];

/** The GraphError the SDK throws, or fails the test. */
export async function graphFailure(promise: Promise<unknown>): Promise<GraphFailure> {
  try {
    await promise;
  } catch (error) {
    return error as GraphFailure;
  }
  throw new Error('expected the Graph call to fail');
}

export interface GraphFailure {
  statusCode: number;
  code: string;
  message: string;
  requestId: string | null;
  body: string;
  headers?: Headers;
}
