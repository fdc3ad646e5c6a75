import assert from 'node:assert/strict';
import { AuthenticationError } from 'botframework-connector';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import {
  AuthenticationTimedOut,
  classifyAuthenticationFailure,
  NotAChannelToken,
} from '../../bot/authenticationFailures';

/**
 * The errors botframework-connector 4.23.3 throws, with its exact messages (test/e2e/inboundAuthentication.test.ts
 * provokes each one for real); what the front door answers for each.
 */
const CASES: Array<[string, unknown, number, string]> = [
  [
    'no header',
    new AuthenticationError('Unauthorized Access. Request is not authorized', 401),
    401,
    'no-token',
  ],
  [
    'unknown issuer or scheme',
    new AuthenticationError('Unauthorized. No valid identity.', 401),
    401,
    'untrusted-token',
  ],
  ['unknown kid', new AuthenticationError('Signing Key could not be retrieved.', 401), 401, 'unknown-key'],
  ['expired (rewrapped)', new AuthenticationError('The token has expired', 401), 401, 'expired'],
  ['expired (raw)', new TokenExpiredError('jwt expired', new Date()), 401, 'expired'],
  ['not yet valid', new NotBeforeError('jwt not active', new Date()), 401, 'not-yet-valid'],
  ['bad signature', new JsonWebTokenError('invalid signature'), 401, 'invalid-token'],
  ['unsigned', new JsonWebTokenError('jwt signature is required'), 401, 'invalid-token'],
  [
    'another audience',
    new AuthenticationError('Unauthorized. Invalid AppId passed on token: 0a0b0c0d', 401),
    403,
    'other-audience',
  ],
  [
    'serviceurl',
    new AuthenticationError('Unauthorized. ServiceUrl claim do not match.', 401),
    403,
    'serviceurl-mismatch',
  ],
  [
    'endorsement',
    new AuthenticationError('Could not validate endorsement for key: k with endorsements: skype', 401),
    403,
    'channel-not-endorsed',
  ],
  ['emulator or skill token', new NotAChannelToken(), 403, 'not-a-channel-token'],
  ['an unknown refusal', new AuthenticationError('Unauthorized. Something new.', 401), 401, 'refused'],
  [
    'metadata 5xx',
    new AuthenticationError('Failed to load openID config: 500', 500),
    503,
    'metadata-unreachable',
  ],
  ['keys 5xx', new AuthenticationError('Failed to load Keys: 503', 500), 503, 'metadata-unreachable'],
  [
    'connection refused',
    Object.assign(new Error('request failed'), { name: 'FetchError' }),
    503,
    'metadata-unreachable',
  ],
  ['no answer', new AuthenticationTimedOut(), 503, 'metadata-timeout'],
  ['a bug', new TypeError('x is undefined'), 500, 'authentication-bug'],
  ['a thrown string', 'boom', 500, 'authentication-bug'],
];

describe('classifyAuthenticationFailure', () => {
  for (const [name, error, status, reason] of CASES) {
    it(`answers ${status} (${reason}) for ${name}`, () => {
      assert.deepEqual(classifyAuthenticationFailure(error), { status, reason });
    });
  }
});
