import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import forge from 'node-forge';
import { demo, SimulatorHarness, userId } from './harness';

interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  trace_id: string;
  correlation_id: string;
  timestamp: string;
}

describe('simulator: Entra token endpoint', () => {
  let h: SimulatorHarness;
  before(async () => {
    h = await SimulatorHarness.start();
  });
  after(async () => {
    await h.close();
  });

  async function postToken(
    tenant: string,
    form: Record<string, string>,
  ): Promise<{ status: number; body: EntraErrorBody }> {
    const response = await fetch(`${h.sim.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: (await response.json()) as EntraErrorBody };
  }

  const clientCredentials = (overrides: Record<string, string> = {}): Record<string, string> => ({
    grant_type: 'client_credentials',
    client_id: demo.botAppId,
    client_secret: demo.botSecret,
    scope: 'https://graph.microsoft.com/.default',
    ...overrides,
  });

  it('serves OpenID discovery whose issuer and token endpoint are on the simulator host', async () => {
    const response = await fetch(`${h.sim.url}/${demo.tenantId}/v2.0/.well-known/openid-configuration`);
    const body = (await response.json()) as { issuer: string; token_endpoint: string };
    assert.equal(response.status, 200);
    assert.equal(body.issuer, `${h.sim.url}/${demo.tenantId}/v2.0`);
    assert.equal(body.token_endpoint, `${h.sim.url}/${demo.tenantId}/oauth2/v2.0/token`);
  });

  it('issues ClientSecretCredential a signed token carrying tid, the service principal oid, roles and expiry', async () => {
    const token = await h.appCredential().getToken('https://graph.microsoft.com/.default');
    const claims = jwt.decode(token.token, { complete: true });
    assert.ok(claims && typeof claims.payload === 'object');
    const payload = claims.payload as jwt.JwtPayload & {
      tid: string;
      oid: string;
      roles: string[];
      idtyp: string;
    };
    assert.equal(claims.header.alg, 'RS256');
    assert.equal(payload.tid, demo.tenantId);
    assert.equal(payload.oid, demo.botServicePrincipalId);
    assert.equal(payload.idtyp, 'app');
    assert.deepEqual(payload.roles, [
      'User.Read.All',
      'GroupMember.Read.All',
      'AdministrativeUnit.Read.All',
      'User-PasswordProfile.ReadWrite.All',
      'RoleManagement.Read.Directory',
      'Domain.Read.All',
      'User.RevokeSessions.All',
      'GroupMember.Read.All',
      'AdministrativeUnit.Read.All',
    ]);
    assert.ok((payload.exp ?? 0) * 1000 > Date.now() + 3000 * 1000);
  });

  it('issues a token to ClientCertificateCredential holding the registered certificate', async () => {
    const token = await h.certificateCredential().getToken('https://graph.microsoft.com/.default');
    const payload = jwt.decode(token.token) as { oid: string; appidacr: string };
    assert.equal(payload.oid, demo.botServicePrincipalId);
    assert.equal(payload.appidacr, '2');
  });

  it('refuses a client certificate that is not registered on the app (AADSTS700027)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sim-cert-')), 'other.pem');
    writeFileSync(path, selfSignedCertificatePem());
    await assert.rejects(
      h.certificateCredential(path).getToken('https://graph.microsoft.com/.default'),
      /AADSTS700027/,
    );
  });

  it('answers a wrong client secret with 401 invalid_client AADSTS7000215 in Entra error shape', async () => {
    const { status, body } = await postToken(demo.tenantId, clientCredentials({ client_secret: 'wrong' }));
    assert.equal(status, 401);
    assert.equal(body.error, 'invalid_client');
    assert.match(body.error_description, /^AADSTS7000215: Invalid client secret provided\./);
    assert.match(body.error_description, /Trace ID: .+\r\nCorrelation ID: .+\r\nTimestamp: /);
    assert.deepEqual(body.error_codes, [7000215]);
    assert.match(body.trace_id, /^[0-9a-f-]{36}$/);
    assert.match(body.correlation_id, /^[0-9a-f-]{36}$/);
  });

  it('answers an unknown client id with AADSTS700016', async () => {
    const { status, body } = await postToken(
      demo.tenantId,
      clientCredentials({ client_id: '00000000-0000-4000-8000-000000000000' }),
    );
    assert.equal(status, 400);
    assert.equal(body.error, 'unauthorized_client');
    assert.deepEqual(body.error_codes, [700016]);
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const { status, body } = await postToken('00000000-0000-4000-8000-00000000dead', clientCredentials());
    assert.equal(status, 400);
    assert.deepEqual(body.error_codes, [90002]);
  });

  it('makes the credential fail on a wrong secret, naming the AADSTS code', async () => {
    await assert.rejects(
      h.appCredential(demo.botAppId, 'not-the-secret').getToken('https://graph.microsoft.com/.default'),
      /AADSTS7000215/,
    );
  });

  describe('the Bot Framework resource (a bot calling the Bot Connector service)', () => {
    const botFrameworkScope = 'https://api.botframework.com/.default';

    it('issues a token for https://api.botframework.com/.default, without Graph roles', async () => {
      const token = await h.appCredential().getToken(botFrameworkScope);
      const payload = jwt.decode(token.token) as jwt.JwtPayload;
      assert.equal(payload.aud, 'https://api.botframework.com');
      assert.equal(payload.appid, demo.botAppId);
      assert.equal(payload.iss, `https://sts.windows.net/${demo.tenantId}/`);
      assert.equal(payload.roles, undefined);
    });

    it('answers a wrong secret for it with AADSTS7000215, as for Graph', async () => {
      const { status, body } = await postToken(
        demo.tenantId,
        clientCredentials({ scope: botFrameworkScope, client_secret: 'not-the-secret' }),
      );
      assert.equal(status, 401);
      assert.deepEqual(body.error_codes, [7000215]);
    });

    it('is not a Graph token: Graph answers it with 401 (invalid audience)', async () => {
      const token = await h.appCredential().getToken(botFrameworkScope);
      const response = await fetch(`${h.sim.url}/v1.0/users`, {
        headers: { authorization: `Bearer ${token.token}` },
      });
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(response.status, 401);
      assert.match(body.error.message, /Invalid audience/);
    });

    it('still refuses any other resource (AADSTS500011)', async () => {
      const { status, body } = await postToken(
        demo.tenantId,
        clientCredentials({ scope: 'https://vault.azure.net/.default' }),
      );
      assert.equal(status, 400);
      assert.deepEqual(body.error_codes, [500011]);
    });
  });

  it('refuses client credentials without a /.default scope (AADSTS1002012)', async () => {
    const { body } = await postToken(
      demo.tenantId,
      clientCredentials({ scope: 'https://graph.microsoft.com/User.Read.All' }),
    );
    assert.deepEqual(body.error_codes, [1002012]);
  });

  it('gives a password-grant user a delegated token with scp and the user oid', async () => {
    const token = await h
      .userCredential('alexw@contoso.com')
      .getToken('https://graph.microsoft.com/.default');
    const payload = jwt.decode(token.token) as { oid: string; scp: string; idtyp: string; roles?: string[] };
    assert.equal(payload.oid, userId('01'));
    assert.equal(payload.idtyp, 'user');
    assert.match(payload.scp, /UserAuthenticationMethod\.ReadWrite\.All/);
    assert.equal(payload.roles, undefined);
  });

  it('refuses a wrong user password with AADSTS50126', async () => {
    await assert.rejects(
      h
        .userCredential('alexw@contoso.com', 'Wrong-Password-1')
        .getToken('https://graph.microsoft.com/.default'),
      /AADSTS50126/,
    );
  });

  it('answers Graph calls without a valid token with 401 InvalidAuthenticationToken', async () => {
    for (const authorization of [undefined, 'Bearer not.a.token', 'Bearer abc']) {
      const response = await fetch(`${h.sim.url}/v1.0/users`, {
        headers: authorization ? { authorization } : {},
      });
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(response.status, 401);
      assert.equal(body.error.code, 'InvalidAuthenticationToken');
    }
  });

  it('refuses a token signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = jwt.sign(
      {
        aud: 'https://graph.microsoft.com',
        iss: `https://sts.windows.net/${demo.tenantId}/`,
        tid: demo.tenantId,
        oid: demo.botServicePrincipalId,
        appid: demo.botAppId,
        idtyp: 'app',
        roles: ['User.Read.All'],
      },
      privateKey.export({ type: 'pkcs1', format: 'pem' }),
      { algorithm: 'RS256', expiresIn: 600 },
    );
    const response = await fetch(`${h.sim.url}/v1.0/users`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    assert.equal(response.status, 401);
  });
});

function selfSignedCertificatePem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'not registered' }]);
  cert.setIssuer([{ name: 'commonName', value: 'not registered' }]);
  cert.sign(key, forge.md.sha256.create());
  return keyPem + forge.pki.certificateToPem(cert);
}
