import assert from 'node:assert/strict';
import { PageIterator, type Client, type PageCollection } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, SimulatorHarness, userId } from './harness';

interface UserPage {
  value: { id?: string; displayName?: string; userPrincipalName?: string; [key: string]: unknown }[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

describe('simulator: Graph users', () => {
  let h: SimulatorHarness;
  let graph: Client;
  before(async () => {
    h = await SimulatorHarness.start();
    graph = h.botClient();
  });
  after(async () => {
    await h.close();
  });

  const names = (page: UserPage): (string | undefined)[] => page.value.map((u) => u.displayName);

  it('finds users by displayName prefix with startswith, case-insensitively', async () => {
    const page = (await graph
      .api('/users')
      .filter("startswith(displayName,'ALEX')")
      .select('id,displayName')
      .get()) as UserPage;
    assert.deepEqual(names(page).sort(), [
      'Alex Johnson',
      'Alex Wilber',
      'Alex Wilson',
      'Alexandra Moore',
      'Alexis Kim',
    ]);
    assert.deepEqual(Object.keys(page.value[0] ?? {}).sort(), ['displayName', 'id']);
  });

  it('combines startswith clauses with or, across givenName, surname, userPrincipalName and mail', async () => {
    const filter =
      "startswith(givenName,'megan') or startswith(surname,'bowen') or startswith(userPrincipalName,'megans') or startswith(mail,'meganb')";
    const page = (await graph.api('/users').filter(filter).select('displayName').get()) as UserPage;
    assert.deepEqual(names(page).sort(), ['Megan Bowen', 'Megan Smith']);
  });

  it("matches OData string literals with doubled quotes ('O''Brien')", async () => {
    const page = (await graph
      .api('/users')
      .filter("surname eq 'O''Brien'")
      .select('displayName')
      .get()) as UserPage;
    assert.deepEqual(names(page), ["Aoife O'Brien"]);
  });

  it('answers a malformed filter with 400 BadRequest "Invalid filter clause"', async () => {
    const failure = await graphFailure(graph.api('/users').filter("startswith(displayName,'x'").get());
    assert.equal(failure.statusCode, 400);
    assert.equal(failure.code, 'BadRequest');
    assert.match(failure.message, /^Invalid filter clause/);
  });

  it('refuses $search without ConsistencyLevel: eventual (400 Request_UnsupportedQuery)', async () => {
    const failure = await graphFailure(graph.api('/users').search('"displayName:wil"').get());
    assert.equal(failure.statusCode, 400);
    assert.equal(failure.code, 'Request_UnsupportedQuery');
  });

  it('searches displayName by word prefix with ConsistencyLevel: eventual and counts the matches', async () => {
    const page = (await graph
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .search('"displayName:wil"')
      .count(true)
      .select('displayName')
      .get()) as UserPage;
    assert.deepEqual(names(page).sort(), ['Alex Wilber', 'Alex Wilson', 'Nestor Wilke']);
    assert.equal(page['@odata.count'], 3);
  });

  it('refuses $count without ConsistencyLevel: eventual', async () => {
    const failure = await graphFailure(graph.api('/users').count(true).get());
    assert.equal(failure.statusCode, 400);
    assert.equal(failure.code, 'Request_BadRequest');
  });

  it('refuses $top above 999', async () => {
    const failure = await graphFailure(graph.api('/users').top(1000).get());
    assert.equal(failure.statusCode, 400);
    assert.match(failure.message, /between 1 and 999/);
  });

  it('pages with @odata.nextLink that the SDK PageIterator follows to every user', async () => {
    const first = (await graph.api('/users').select('id').top(7).get()) as PageCollection;
    assert.ok(first['@odata.nextLink']?.startsWith(`${h.sim.url}/v1.0/users?`));
    const ids: string[] = [];
    await new PageIterator(graph, first, (user: { id: string }) => {
      ids.push(user.id);
      return true;
    }).iterate();
    assert.equal(ids.length, 50);
    assert.equal(new Set(ids).size, 50);
  });

  it('returns the default property set without $select, and the requested one with it', async () => {
    const plain = (await graph.api(`/users/${userId('02')}`).get()) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(plain)
        .filter((k) => !k.startsWith('@'))
        .sort(),
      [
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ],
    );
    const selected = (await graph
      .api('/users/meganb@contoso.com')
      .select('id,onPremisesSyncEnabled,identities,isManagementRestricted,userType')
      .get()) as Record<string, unknown>;
    assert.equal(selected.id, userId('02'));
    assert.equal(selected.userType, 'Member');
    assert.equal(selected.onPremisesSyncEnabled, null);
    assert.ok(Array.isArray(selected.identities));
  });

  it('gets a guest by its #EXT# userPrincipalName when # is encoded', async () => {
    const guest = (await graph
      .api('/users/benw_northwind.com%23EXT%23@contoso.onmicrosoft.com')
      .select('id,userType,creationType,identities')
      .get()) as { id: string; userType: string; identities: { issuer: string }[] };
    assert.equal(guest.id, userId('14'));
    assert.equal(guest.userType, 'Guest');
    assert.ok(guest.identities.some((i) => i.issuer === 'ExternalAzureAD'));
  });

  it('answers an unknown user with 404 Request_ResourceNotFound in Graph error shape, with request ids', async () => {
    const response = await h.rawGraph('GET', '/v1.0/users/nobody@contoso.com', {
      headers: { 'client-request-id': 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa' },
    });
    const body = (await response.json()) as {
      error: { code: string; message: string; innerError: Record<string, string> };
    };
    assert.equal(response.status, 404);
    assert.equal(body.error.code, 'Request_ResourceNotFound');
    assert.equal(
      body.error.message,
      "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.",
    );
    assert.match(body.error.innerError.date ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.equal(body.error.innerError['request-id'], response.headers.get('request-id'));
    assert.equal(body.error.innerError['client-request-id'], 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa');
    assert.equal(response.headers.get('client-request-id'), 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa');
  });

  it('exposes the request id to the SDK GraphError', async () => {
    const failure = await graphFailure(graph.api('/users/nobody@contoso.com').get());
    assert.match(failure.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('refuses $select of an unknown property with 400', async () => {
    const failure = await graphFailure(graph.api('/users').select('id,shoeSize').get());
    assert.equal(failure.statusCode, 400);
    assert.match(failure.message, /shoeSize/);
  });

  it('refuses domain reads to an app holding User.Read.All but not Domain.Read.All', async () => {
    const usersOnly = h.graphClient(h.appCredential(demo.noRoleAppId, demo.noRoleSecret));
    assert.ok(await usersOnly.api('/users').top(1).get());
    const failure = await graphFailure(usersOnly.api('/domains/contoso.com').get());
    assert.equal(failure.statusCode, 403);
    assert.equal(failure.code, 'Authorization_RequestDenied');
  });
});
