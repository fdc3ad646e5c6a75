import { Client, type Context, type Middleware } from '@microsoft/microsoft-graph-client';

/** A request as it left the Graph SDK, after the SDK built the URL. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Responder = (request: SentRequest) => Response;

/**
 * The last link of the Graph SDK's middleware chain, replaced: records what the SDK would send and answers
 * from the test's script. Using the real SDK in front of it checks the URLs the SDK actually builds.
 */
export class FakeGraphTransport implements Middleware {
  readonly sent: SentRequest[] = [];
  private readonly routes: { method: string; path: string; respond: Responder }[] = [];

  /**
   * Answers requests whose method matches and whose URL path (without query) equals `path`. A later route for
   * the same request wins, so a test can change one answer of a prepared directory.
   */
  on(method: string, path: string, respond: Responder | Response): this {
    this.routes.push({
      method,
      path,
      respond: typeof respond === 'function' ? respond : () => respond.clone(),
    });
    return this;
  }

  client(): Client {
    return Client.initWithMiddleware({ middleware: this });
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = context.options ?? {};
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((options.headers ?? {}) as Record<string, string>)) {
      headers[name.toLowerCase()] = value;
    }
    const rawBody = options.body;
    const request: SentRequest = {
      method: options.method ?? 'GET',
      url,
      headers,
      body: typeof rawBody === 'string' ? (JSON.parse(rawBody) as unknown) : rawBody,
    };
    this.sent.push(request);
    const path = new URL(url).pathname;
    const route = [...this.routes].reverse().find((r) => r.method === request.method && r.path === path);
    context.response = route
      ? route.respond(request)
      : json(599, { error: { code: 'TestRouteMissing', message: `${request.method} ${path}` } });
    return Promise.resolve();
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function graphError(status: number, code: string, message: string, requestId = 'req-1234'): Response {
  return json(status, {
    error: { code, message, innerError: { date: '2026-01-01T10:00:00', 'request-id': requestId } },
  });
}

/** A `user` as Graph returns it for the bot's `$select`. */
export function graphUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'e1a00000-0000-4000-8000-000000000002',
    displayName: 'Megan Bowen',
    userPrincipalName: 'meganb@contoso.com',
    mail: 'meganb@contoso.com',
    givenName: 'Megan',
    surname: 'Bowen',
    jobTitle: 'Marketing Manager',
    department: 'Marketing',
    accountEnabled: true,
    userType: 'Member',
    creationType: null,
    externalUserState: null,
    identities: [
      {
        signInType: 'userPrincipalName',
        issuer: 'contoso.onmicrosoft.com',
        issuerAssignedId: 'meganb@contoso.com',
      },
    ],
    onPremisesSyncEnabled: null,
    isManagementRestricted: null,
    lastPasswordChangeDateTime: '2025-12-01T09:00:00Z',
    ...overrides,
  };
}
