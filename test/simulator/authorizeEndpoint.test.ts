import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { demo, SimulatorHarness, userId } from './harness';

const scope = 'openid profile User.Read UserAuthenticationMethod.ReadWrite.All';

describe('simulator: Entra authorize endpoint and the authorization code grant', () => {
  let h: SimulatorHarness;
  let redirectUri: string;
  let authorizeUrl: string;
  before(async () => {
    h = await SimulatorHarness.start();
    redirectUri = `${h.sim.url}/botframework/.auth/web/redirect`;
    authorizeUrl = `${h.sim.url}/${demo.tenantId}/oauth2/v2.0/authorize`;
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  function authorizeQuery(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      client_id: demo.botAppId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope,
      state: 'state-42',
      ...overrides,
    };
  }

  async function open(overrides: Record<string, string> = {}): Promise<Response> {
    return fetch(`${authorizeUrl}?${new URLSearchParams(authorizeQuery(overrides)).toString()}`, {
      redirect: 'manual',
    });
  }

  async function submit(
    fields: Record<string, string>,
    overrides: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(authorizeUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...authorizeQuery(overrides), ...fields }).toString(),
    });
  }

  function redirectedTo(response: Response): URL {
    assert.equal(response.status, 302);
    return new URL(response.headers.get('location') ?? '');
  }

  async function redeem(
    fields: Record<string, string>,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${h.sim.url}/${demo.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: demo.botAppId,
        client_secret: demo.botSecret,
        redirect_uri: redirectUri,
        ...fields,
      }).toString(),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function codeFor(login: string): Promise<string> {
    const back = redirectedTo(await submit({ login, passwd: demo.initialPassword, action: 'signin' }));
    assert.equal(back.searchParams.get('state'), 'state-42');
    return back.searchParams.get('code') ?? '';
  }

  it('shows a sign-in form that carries the request', async () => {
    const page = await open();
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.match(html, /<form method="post">/);
    assert.match(html, /name="login"/);
    assert.match(html, /name="passwd" type="password"/);
    assert.match(html, /<input type="hidden" name="state" value="state-42">/);
  });

  it('pre-fills the user name from login_hint', async () => {
    const html = await (await open({ login_hint: 'alexw@contoso.com' })).text();
    assert.match(html, /<input name="login" type="text" value="alexw@contoso.com"/);
  });

  it('escapes what the request carries', async () => {
    const html = await (await open({ state: '"><script>alert(1)</script>' })).text();
    assert.doesNotMatch(html, /<script>/);
  });

  it('redirects with a code and the state; the code buys a delegated Graph token with the user’s oid', async () => {
    const code = await codeFor('alexw@contoso.com');
    const { status, json } = await redeem({ code });
    assert.equal(status, 200);
    const claims = jwt.decode(json.access_token as string) as {
      oid: string;
      scp: string;
      aud: string;
      idtyp: string;
    };
    assert.deepEqual(
      [claims.oid, claims.aud, claims.idtyp, claims.scp],
      [
        userId('01'),
        'https://graph.microsoft.com',
        'user',
        'User.Read UserAuthenticationMethod.ReadWrite.All',
      ],
    );
    assert.equal(typeof json.id_token, 'string');
  });

  it('redeems a code once (AADSTS54005)', async () => {
    const code = await codeFor('alexw@contoso.com');
    assert.equal((await redeem({ code })).status, 200);
    const again = await redeem({ code });
    assert.equal(again.status, 400);
    assert.equal(again.json.error, 'invalid_grant');
    assert.deepEqual(again.json.error_codes, [54005]);
  });

  it('refuses a code with another redirect URI, an unknown code, or a wrong client secret', async () => {
    const code = await codeFor('alexw@contoso.com');
    const otherUri = await redeem({ code, redirect_uri: 'https://example.com/callback' });
    assert.deepEqual([otherUri.status, otherUri.json.error], [400, 'invalid_grant']);
    const unknown = await redeem({ code: 'not-a-code' });
    assert.deepEqual([unknown.status, unknown.json.error], [400, 'invalid_grant']);
    const wrongSecret = await redeem({ code: await codeFor('alexw@contoso.com'), client_secret: 'nope' });
    assert.deepEqual([wrongSecret.status, wrongSecret.json.error_codes], [401, [7000215]]);
  });

  it('shows the page again with an error for a wrong password, and issues no code', async () => {
    const response = await submit({ login: 'alexw@contoso.com', passwd: 'wrong', action: 'signin' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Your account or password is incorrect/);
  });

  it('refuses a disabled account and a user who must change the password on the page', async () => {
    const disabled = await submit({
      login: 'debrab@contoso.com',
      passwd: demo.initialPassword,
      action: 'signin',
    });
    assert.match(await disabled.text(), /AADSTS50057/);
    const mustChange = await submit({
      login: 'priyan@contoso.com',
      passwd: demo.initialPassword,
      action: 'signin',
    });
    assert.match(await mustChange.text(), /AADSTS50055/);
  });

  it('redirects access_denied when the user cancels', async () => {
    const back = redirectedTo(await submit({ action: 'cancel' }));
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.match(back.searchParams.get('error_description') ?? '', /^AADSTS65004: /);
    assert.equal(back.searchParams.get('state'), 'state-42');
  });

  it('redirects unsupported_response_type and invalid_resource errors to the app', async () => {
    const token = redirectedTo(await open({ response_type: 'token' }));
    assert.equal(token.searchParams.get('error'), 'unsupported_response_type');
    const resource = redirectedTo(await open({ scope: 'https://outlook.office.com/Mail.Read' }));
    assert.equal(resource.searchParams.get('error'), 'invalid_resource');
    const notConsented = redirectedTo(await open({ scope: 'Mail.Read' }));
    assert.equal(notConsented.searchParams.get('error'), 'consent_required');
  });

  it('never redirects to an unregistered redirect URI or for an unknown app: it shows the error', async () => {
    const foreign = await open({ redirect_uri: 'https://attacker.example/callback' });
    assert.equal(foreign.status, 400);
    assert.match(await foreign.text(), /AADSTS50011/);
    const unknownApp = await open({ client_id: '00000000-0000-4000-8000-000000000000' });
    assert.equal(unknownApp.status, 400);
    assert.match(await unknownApp.text(), /AADSTS700016/);
  });
});
