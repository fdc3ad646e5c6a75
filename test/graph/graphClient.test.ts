import assert from 'node:assert/strict';
import sinon from 'sinon';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import { AgentFacingError } from '../../core/errors';
import {
  createDelegatedGraphClient,
  createGraphClient,
  type GraphConnectionConfig,
} from '../../graph/graphClient';
import { toAgentFacingError } from '../../graph/graphErrors';
import { budgetOptions } from '../../graph/requestBudget';

const TENANT = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';
const CLIENT = '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7';
const SIMULATOR: GraphConnectionConfig = {
  tenantId: TENANT,
  clientId: CLIENT,
  clientSecret: 'sim-demo-client-secret',
  authorityHost: 'https://127.0.0.1:8443',
  graphBaseUrl: 'https://127.0.0.1:8443/',
};

function token(value: string) {
  return { token: value, expiresOnTimestamp: Date.now() + 3_600_000 };
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return input instanceof Request ? input.url : input instanceof URL ? input.href : input;
}

function authorizationOf(init: RequestInit | undefined): string | null {
  return new Headers(init?.headers).get('authorization');
}

describe('createGraphClient', () => {
  let fetchStub: sinon.SinonStub<Parameters<typeof fetch>, ReturnType<typeof fetch>>;

  beforeEach(() => {
    fetchStub = sinon
      .stub(globalThis, 'fetch')
      .callsFake(() =>
        Promise.resolve(new Response('{"value":[]}', { headers: { 'content-type': 'application/json' } })),
      );
  });

  afterEach(() => sinon.restore());

  it("sends the bot's token, for Graph's resource, to the configured host and port", async () => {
    const getToken = sinon.stub(ClientSecretCredential.prototype, 'getToken').resolves(token('secret-token'));

    await createGraphClient(SIMULATOR).api('/users').get();

    const [url, init] = fetchStub.firstCall.args;
    assert.equal(urlOf(url), 'https://127.0.0.1:8443/v1.0/users');
    assert.equal(authorizationOf(init), 'Bearer secret-token');
    sinon.assert.calledWith(getToken, ['https://graph.microsoft.com/.default']);
  });

  it('does not log requests (the SDK debug log would print the password PATCH)', async () => {
    sinon.stub(ClientSecretCredential.prototype, 'getToken').resolves(token('secret-token'));
    const log = sinon.stub(console, 'log');

    await createGraphClient(SIMULATOR)
      .api('/users/x')
      .patch({ passwordProfile: { password: 'Pw-in-body-1!' } });

    log.restore();
    sinon.assert.notCalled(log);
  });

  it('asks a national cloud for a token of its own Graph resource', async () => {
    const getToken = sinon.stub(ClientSecretCredential.prototype, 'getToken').resolves(token('gov'));

    await createGraphClient({
      ...SIMULATOR,
      authorityHost: 'https://login.microsoftonline.us',
      graphBaseUrl: 'https://graph.microsoft.us/',
    })
      .api('/users')
      .get();

    sinon.assert.calledWith(getToken, ['https://graph.microsoft.us/.default']);
    assert.equal(urlOf(fetchStub.firstCall.args[0]), 'https://graph.microsoft.us/v1.0/users');
  });

  it('uses a client certificate when no secret is given', async () => {
    const getToken = sinon
      .stub(ClientCertificateCredential.prototype, 'getToken')
      .resolves(token('cert-token'));

    await createGraphClient({
      ...SIMULATOR,
      clientSecret: undefined,
      clientCertificatePath: '/nonexistent/bot.pem',
    })
      .api('/users')
      .get();

    sinon.assert.calledOnce(getToken);
    assert.equal(authorizationOf(fetchStub.firstCall.args[1]), 'Bearer cert-token');
  });

  it('falls back to a managed identity when neither a secret nor a certificate is given', async () => {
    const getToken = sinon.stub(ManagedIdentityCredential.prototype, 'getToken').resolves(token('msi-token'));

    await createGraphClient({
      tenantId: TENANT,
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com/',
    })
      .api('/users')
      .get();

    sinon.assert.calledOnce(getToken);
    assert.equal(authorizationOf(fetchStub.firstCall.args[1]), 'Bearer msi-token');
  });

  it('never sends the token to a host other than the configured one', async () => {
    sinon.stub(ClientSecretCredential.prototype, 'getToken').resolves(token('secret-token'));

    await createGraphClient(SIMULATOR).api('https://elsewhere.example/v1.0/users').get();

    assert.equal(authorizationOf(fetchStub.firstCall.args[1]), null);
  });

  it('refuses http endpoints at start-up', () => {
    assert.throws(
      () => createGraphClient({ ...SIMULATOR, graphBaseUrl: 'http://127.0.0.1:8443/' }),
      /graphBaseUrl must use https/,
    );
    assert.throws(
      () => createGraphClient({ ...SIMULATOR, authorityHost: 'http://127.0.0.1:8443' }),
      /authorityHost must use https/,
    );
    assert.throws(
      () => createGraphClient({ ...SIMULATOR, authorityHost: 'not a url' }),
      /authorityHost is not a valid URL/,
    );
  });

  it('needs a client id with a secret', () => {
    assert.throws(() => createGraphClient({ ...SIMULATOR, clientId: undefined }), /clientId is required/);
  });
});

describe('createDelegatedGraphClient', () => {
  const AGENT_TOKEN = 'agent-delegated-token';
  const ENDPOINT = { graphBaseUrl: 'https://127.0.0.1:8443/', requestTimeoutMs: 5_000 };
  let fetchStub: sinon.SinonStub<Parameters<typeof fetch>, ReturnType<typeof fetch>>;

  beforeEach(() => {
    fetchStub = sinon
      .stub(globalThis, 'fetch')
      .callsFake(() =>
        Promise.resolve(new Response('{"value":[]}', { headers: { 'content-type': 'application/json' } })),
      );
  });

  afterEach(() => sinon.restore());

  it("sends the agent's token, asked for on every request, to the configured host", async () => {
    const source = sinon.stub().resolves(AGENT_TOKEN);
    const client = createDelegatedGraphClient(ENDPOINT, source);

    await client.api('/users').get();
    await client.api('/users').get();

    const [url, init] = fetchStub.firstCall.args;
    assert.equal(urlOf(url), 'https://127.0.0.1:8443/v1.0/users');
    assert.equal(authorizationOf(init), `Bearer ${AGENT_TOKEN}`);
    sinon.assert.calledTwice(source);
  });

  it('never sends the token to a host other than the configured one', async () => {
    await createDelegatedGraphClient(ENDPOINT, () => Promise.resolve(AGENT_TOKEN))
      .api('https://elsewhere.example/v1.0/users')
      .get();

    assert.equal(authorizationOf(fetchStub.firstCall.args[1]), null);
  });

  it("retries a throttled request within its budget, like the bot's own client", async () => {
    fetchStub.onFirstCall().resolves(
      new Response('{"error":{"code":"TooManyRequests","message":"later"}}', {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '0' },
      }),
    );

    await createDelegatedGraphClient(ENDPOINT, () => Promise.resolve(AGENT_TOKEN))
      .api('/users')
      .middlewareOptions(
        budgetOptions({ signal: new AbortController().signal, deadline: Date.now() + 10_000 }),
      )
      .get();

    sinon.assert.calledTwice(fetchStub);
  });

  it('sends nothing without a token, and says the agent must sign in again (nothing changed)', async () => {
    const log = sinon.stub(console, 'log');
    for (const source of [
      () => Promise.reject(new Error(`token service said ${AGENT_TOKEN}`)),
      () => Promise.resolve(''),
      () => Promise.resolve('two words'),
    ]) {
      let caught: unknown;
      await createDelegatedGraphClient(ENDPOINT, source)
        .api('/users/x')
        .post({})
        .catch((error: unknown) => {
          caught = error;
        });
      const error = toAgentFacingError(caught, {
        action: 'reset the password',
        access: 'write',
        permission: 'UserAuthenticationMethod.ReadWrite.All',
        caller: 'agent',
      });
      assert.ok(error instanceof AgentFacingError);
      assert.equal(error.kind, 'SignInRequired');
      assert.equal(error.outcomeUnknown, false);
      assert.ok(!JSON.stringify(caught).includes(AGENT_TOKEN) && !String(caught).includes(AGENT_TOKEN));
    }
    log.restore();
    sinon.assert.notCalled(fetchStub);
    sinon.assert.notCalled(log);
  });

  describe('a write that got no answer is "outcome unknown"; one never sent is not', () => {
    const WRITE = {
      action: 'sign the user out',
      access: 'write',
      permission: 'User.RevokeSessions.All',
    } as const;
    const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: { code } });

    async function failureOf(send: Promise<unknown>): Promise<AgentFacingError> {
      const caught: unknown = await send.then(
        () => assert.fail('expected the request to fail'),
        (error: unknown) => error,
      );
      return toAgentFacingError(caught, WRITE);
    }

    const client = (accessToken: () => Promise<string> = () => Promise.resolve(AGENT_TOKEN)) =>
      createDelegatedGraphClient(ENDPOINT, accessToken);

    for (const [what, code, unknown] of [
      ['the connection was refused', 'ECONNREFUSED', false],
      ['the host name did not resolve', 'ENOTFOUND', false],
      ['the connection closed after the request was sent', 'UND_ERR_SOCKET', true],
      ['the connection was reset', 'ECONNRESET', true],
    ] as const) {
      it(`${what}: outcomeUnknown ${unknown}`, async () => {
        fetchStub.rejects(fetchFailed(code));
        const error = await failureOf(client().api('/users/x/revokeSignInSessions').post(undefined));
        assert.equal(error.kind, 'GraphUnavailable');
        assert.equal(error.outcomeUnknown, unknown);
      });
    }

    it('the attempt timed out after the request was sent: outcomeUnknown', async () => {
      fetchStub.callsFake(
        (_input, init) =>
          new Promise((_resolve, reject) => {
            init?.signal?.addEventListener('abort', () =>
              reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
            );
          }),
      );
      const budget = { signal: AbortSignal.timeout(200), deadline: Date.now() + 200 };
      const error = await failureOf(
        client()
          .api('/users/x/revokeSignInSessions')
          .middlewareOptions(budgetOptions(budget))
          .post(undefined),
      );
      assert.equal(error.outcomeUnknown, true);
    });

    it('the token did not come before the budget ran out: nothing sent, outcome known', async () => {
      const budget = { signal: AbortSignal.timeout(200), deadline: Date.now() + 200 };
      const never = () => new Promise<string>(() => undefined);
      const error = await failureOf(
        client(never)
          .api('/users/x/revokeSignInSessions')
          .middlewareOptions(budgetOptions(budget))
          .post(undefined),
      );
      assert.equal(error.outcomeUnknown, false);
      sinon.assert.notCalled(fetchStub);
    });
  });

  it('refuses an http endpoint', () => {
    assert.throws(
      () =>
        createDelegatedGraphClient({ graphBaseUrl: 'http://127.0.0.1:8443/' }, () => Promise.resolve('t')),
      /graphBaseUrl must use https/,
    );
  });
});
