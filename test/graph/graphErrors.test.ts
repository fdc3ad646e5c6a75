import assert from 'node:assert/strict';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { AgentFacingError, type AgentFacingErrorKind } from '../../core/errors';
import { AgentTokenUnavailableError } from '../../graph/delegatedToken';
import { malformedGraphResponse, mayHaveBeenApplied, toAgentFacingError } from '../../graph/graphErrors';

function graphError(
  statusCode: number,
  code: string | null,
  message = '',
  requestId: string | null = 'req-42',
  headers?: Headers,
): GraphError {
  const error = new GraphError(statusCode, message);
  error.code = code;
  error.requestId = requestId;
  error.headers = headers;
  return error;
}

const PASSWORD = 'Hk4#pQ9!xW2=mR7@';

describe('toAgentFacingError', () => {
  const table: [string, unknown, AgentFacingErrorKind][] = [
    [
      '403 Authorization_RequestDenied',
      graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      'NotAllowed',
    ],
    [
      '404 Request_ResourceNotFound',
      graphError(404, 'Request_ResourceNotFound', "Resource 'x' does not exist"),
      'UserNotFound',
    ],
    [
      '400 password complexity',
      graphError(
        400,
        'Request_BadRequest',
        'The specified password does not comply with password complexity requirements. Please provide a different password.',
      ),
      'PasswordRejected',
    ],
    [
      '400 on-premises mastered',
      graphError(
        400,
        'Request_BadRequest',
        'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
      ),
      'OnPremisesMastered',
    ],
    [
      '400 Request_BadRequest about something else',
      graphError(400, 'Request_BadRequest', '$count is not currently supported.'),
      'GraphUnavailable',
    ],
    [
      '400 with a password message but another code',
      graphError(400, 'BadRequest', 'password complexity'),
      'GraphUnavailable',
    ],
    ['429 TooManyRequests', graphError(429, 'TooManyRequests', 'Please retry again later.'), 'Throttled'],
    [
      '503 Request_ThrottledTemporarily',
      graphError(503, 'Request_ThrottledTemporarily', 'throttled'),
      'Throttled',
    ],
    [
      '401 InvalidAuthenticationToken',
      graphError(401, 'InvalidAuthenticationToken', 'Access token has expired.'),
      'GraphUnavailable',
    ],
    [
      '403 with another code',
      graphError(403, 'Authorization_IdentityDisabled', 'disabled'),
      'GraphUnavailable',
    ],
    ['404 without a code', graphError(404, null), 'GraphUnavailable'],
    ['500', graphError(500, 'Service_InternalServerError', 'boom'), 'GraphUnavailable'],
    ['503', graphError(503, 'ServiceUnavailable', 'down'), 'GraphUnavailable'],
    ['504', graphError(504, null), 'GraphUnavailable'],
    [
      'fetch TypeError wrapped by the SDK',
      graphError(-1, 'TypeError', 'fetch failed', null),
      'GraphUnavailable',
    ],
    [
      'ECONNREFUSED',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }),
      'GraphUnavailable',
    ],
    ['ECONNRESET', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'GraphUnavailable'],
    [
      'TLS failure',
      Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      'GraphUnavailable',
    ],
    [
      'timeout',
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      'GraphUnavailable',
    ],
    ['a string thrown', 'weird', 'GraphUnavailable'],
    ['undefined', undefined, 'GraphUnavailable'],
  ];
  for (const [name, error, kind] of table) {
    it(`maps ${name} to ${kind}`, () => {
      assert.equal(toAgentFacingError(error, 'reset the password').kind, kind);
    });
  }

  it("explains a 403 as the bot's role not covering the user and points to a higher administrator", () => {
    const mapped = toAgentFacingError(
      graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'),
      'reset the password',
    );
    assert.match(mapped.message, /bot's directory role does not cover this user/);
    assert.match(mapped.nextStep, /Privileged Authentication Administrator/);
  });

  it('tells the agent to contact the bot admin when the bot cannot sign in to Entra', () => {
    for (const error of [
      graphError(401, 'InvalidAuthenticationToken', 'expired'),
      graphError(-1, 'AuthenticationError', 'AADSTS7000215: Invalid client secret provided.', null),
      new AuthenticationError(400, { error: 'invalid_client', error_description: 'AADSTS7000215' }),
      new CredentialUnavailableError('no managed identity'),
    ]) {
      const mapped = toAgentFacingError(error, 'reset the password');
      assert.equal(mapped.kind, 'GraphUnavailable');
      assert.match(mapped.message, /could not sign in to Microsoft Entra ID/);
      assert.match(mapped.nextStep, /team that runs this bot/);
    }
  });

  it("keeps Graph's request id", () => {
    assert.equal(
      toAgentFacingError(graphError(500, 'x', 'y', 'f1e2d3c4-0000-4000-8000-000000000001'), 'a').requestId,
      'f1e2d3c4-0000-4000-8000-000000000001',
    );
  });

  it('falls back to the request-id response header', () => {
    const headers = new Headers({ 'request-id': 'hdr-77' });
    assert.equal(toAgentFacingError(graphError(500, 'x', 'y', null, headers), 'a').requestId, 'hdr-77');
  });

  it('drops a request id that does not look like one', () => {
    assert.equal(
      toAgentFacingError(graphError(500, 'x', 'y', 'id with <b>markup</b>'), 'a').requestId,
      undefined,
    );
  });

  it('uses Retry-After to say how long to wait', () => {
    const mapped = toAgentFacingError(
      graphError(429, 'TooManyRequests', 'x', 'r', new Headers({ 'retry-after': '150' })),
      'a',
    );
    assert.match(mapped.nextStep, /about 3 minutes/);
  });

  it('never copies Graph text or the password into what the agent sees', () => {
    const graphText = `Invalid value '${PASSWORD}' for property passwordProfile`;
    for (const status of [400, 401, 403, 404, 429, 500, -1]) {
      const mapped = toAgentFacingError(
        graphError(status, 'Request_BadRequest', graphText),
        'reset the password',
      );
      for (const text of [mapped.message, mapped.nextStep, String(mapped.stack)]) {
        assert.ok(!text.includes(PASSWORD), `status ${status} leaked the password`);
        assert.ok(!text.includes('Invalid value'), `status ${status} copied Graph's message`);
      }
    }
  });

  it('does not claim Graph was unreachable when it answered with an unexpected 4xx', () => {
    const mapped = toAgentFacingError(
      graphError(400, 'Request_BadRequest', 'Password operations are not supported'),
      'reset the password',
    );
    assert.equal(mapped.message, "Microsoft Graph did not accept the bot's request to reset the password.");
    assert.match(
      toAgentFacingError(graphError(-1, 'TypeError'), 'reset the password').message,
      /could not reach/,
    );
  });

  it('passes an AgentFacingError through unchanged', () => {
    const original = new AgentFacingError('BadInput', 'm', 'n');
    assert.equal(toAgentFacingError(original, 'a'), original);
  });

  it('names the action in the message', () => {
    assert.match(
      toAgentFacingError(graphError(500, null), 'read directory roles').message,
      /read directory roles/,
    );
  });
});

describe('malformedGraphResponse', () => {
  it('is a GraphUnavailable failure', () => {
    assert.equal(malformedGraphResponse('look up the user').kind, 'GraphUnavailable');
  });
});

describe('mayHaveBeenApplied', () => {
  const graphError = (status: number, code = 'x') =>
    Object.assign(new GraphError(status, 'message'), { code });
  const cases: Array<[string, unknown, boolean]> = [
    ['a dropped connection (fetch TypeError)', new TypeError('fetch failed'), true],
    ['a Graph error without HTTP answer', graphError(-1, 'TypeError'), true],
    ['a request never sent (refused connection, no time left)', graphError(-1, 'GraphRequestNotSent'), false],
    ['a 500', graphError(500, 'Service_InternalServerError'), true],
    ['a 503 after the retries', graphError(503, 'serviceNotAvailable'), true],
    ['a 400 password policy refusal', graphError(400, 'Request_BadRequest'), false],
    ['a 403', graphError(403, 'Authorization_RequestDenied'), false],
    ['a 429 after the retries', graphError(429, 'TooManyRequests'), false],
    ['a 401', graphError(401, 'InvalidAuthenticationToken'), false],
    ['the bot failing to get a token', new CredentialUnavailableError('no credential'), false],
    ['a token failure wrapped by the SDK', graphError(-1, 'CredentialUnavailableError'), false],
    ['an error the bot raised itself', new AgentFacingError('BadInput', 'm', 'n'), false],
    ['a mapped dropped connection', toAgentFacingError(new TypeError('fetch failed'), 'reset'), true],
    ['a mapped 403', toAgentFacingError(graphError(403, 'Authorization_RequestDenied'), 'reset'), false],
    ["the agent's token missing", new AgentTokenUnavailableError(), false],
    ["the agent's token missing, wrapped by the SDK", graphError(-1, 'AgentTokenUnavailableError'), false],
  ];
  for (const [name, error, expected] of cases) {
    it(`says ${expected ? 'the write may have happened' : 'nothing happened'} after ${name}`, () => {
      assert.equal(mayHaveBeenApplied(error), expected);
    });
  }
});

describe('toAgentFacingError with what the call was for', () => {
  const read = {
    action: 'read group memberships',
    access: 'read',
    permission: 'GroupMember.Read.All',
  } as const;
  const write = {
    action: 'reset the password',
    access: 'write',
    permission: 'User-PasswordProfile.ReadWrite.All',
  } as const;

  it('explains a 403 on a read as missing consent for the named permission, whatever its code', () => {
    for (const code of ['Authorization_RequestDenied', 'Forbidden', null]) {
      const mapped = toAgentFacingError(graphError(403, code, 'Insufficient privileges'), read);

      assert.equal(mapped.kind, 'MissingPermission');
      assert.match(mapped.message, /lacks the Microsoft Graph application permission GroupMember\.Read\.All/);
      assert.match(mapped.nextStep, /grant admin consent/);
      assert.doesNotMatch(`${mapped.message} ${mapped.nextStep}`, /directory role/);
      assert.equal(mapped.requestId, 'req-42');
    }
  });

  it("explains a 403 on a write as the bot's own role not covering the user, and names the permission second", () => {
    const mapped = toAgentFacingError(graphError(403, 'Authorization_RequestDenied', 'Insufficient'), write);

    assert.equal(mapped.kind, 'NotAllowed');
    assert.match(
      mapped.message,
      /your role covers this user, but the directory role of the bot's own identity/,
    );
    assert.match(mapped.nextStep, /Privileged Authentication Administrator/);
    assert.match(
      mapped.nextStep,
      /if it can change no one, the User-PasswordProfile\.ReadWrite\.All permission/,
    );
  });

  it('keeps the other mappings for calls with a context (404, 429)', () => {
    assert.equal(toAgentFacingError(graphError(404, 'Request_ResourceNotFound'), read).kind, 'UserNotFound');
    assert.equal(toAgentFacingError(graphError(429, 'TooManyRequests'), write).kind, 'Throttled');
  });
});

describe("toAgentFacingError for a call made with the agent's delegated token", () => {
  const asAgent = {
    action: 'reset the password',
    access: 'write',
    permission: 'UserAuthenticationMethod.ReadWrite.All',
    caller: 'agent',
  } as const;

  it("explains a 403 as the agent's own role, not the bot's", () => {
    const mapped = toAgentFacingError(
      graphError(403, 'Authorization_RequestDenied', 'Insufficient'),
      asAgent,
    );

    assert.equal(mapped.kind, 'NotAllowed');
    assert.match(mapped.message, /the bot now acts with your own Entra role, not its own/);
    assert.doesNotMatch(mapped.message, /service principal/);
    assert.match(
      mapped.nextStep,
      /delegated Microsoft Graph permission UserAuthenticationMethod\.ReadWrite\.All/,
    );
  });

  it("explains a 401, or no token at all, as the agent's sign-in, with nothing changed", () => {
    for (const error of [
      graphError(401, 'InvalidAuthenticationToken', 'Access token has expired.'),
      graphError(-1, 'AgentTokenUnavailableError'),
      new AgentTokenUnavailableError(),
    ]) {
      const mapped = toAgentFacingError(error, asAgent);

      assert.equal(mapped.kind, 'SignInRequired');
      assert.equal(mapped.outcomeUnknown, false);
      assert.doesNotMatch(mapped.message, /The bot could not sign in/);
    }
  });

  it("leaves the bot's own calls as they were", () => {
    const asBot = { ...asAgent, caller: 'bot' } as const;

    assert.match(
      toAgentFacingError(graphError(403, 'Authorization_RequestDenied'), asBot).message,
      /service principal/,
    );
    assert.match(
      toAgentFacingError(graphError(401, 'InvalidAuthenticationToken'), asBot).message,
      /The bot could not sign in/,
    );
    assert.equal(
      toAgentFacingError(
        graphError(400, 'badRequest', 'Password writeback is not enabled for this tenant.'),
        asBot,
      ).kind,
      'GraphUnavailable',
    );
  });
});
