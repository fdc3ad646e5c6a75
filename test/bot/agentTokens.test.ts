import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AgentTokens, type TokenHolder } from '../../bot/agentTokens';
import { createLogger } from '../../bot/logger';
import { LogCapture } from '../support/logCapture';

const TENANT = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';
const ALEX = 'e1a00000-0000-4000-8000-000000000001';
const ISAIAH = 'e1a00000-0000-4000-8000-000000000004';
const HOLDER: TokenHolder = { teamsId: '29:alex', aadObjectId: ALEX, channelId: 'msteams' };

/** A JWT-shaped token with these claims (the signature is not the bot's business; Graph checks it). */
function tokenWith(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

describe('AgentTokens', () => {
  function tokensServing(token: string | undefined) {
    const service = {
      getUserToken: sinon.stub().resolves(token === undefined ? undefined : { token }),
      signOutUser: sinon.stub().resolves(),
    };
    const logs = new LogCapture();
    return {
      service,
      logs,
      tokens: new AgentTokens(service, 'GraphConnection', TENANT, createLogger('debug', logs)),
    };
  }

  it("hands over the holder's own token, asked for by Teams id, connection and channel", async () => {
    const own = tokenWith({ oid: ALEX, tid: TENANT });
    const { service, tokens } = tokensServing(own);
    assert.equal(await tokens.tokenOf(HOLDER), own);
    sinon.assert.calledOnceWithExactly(
      service.getUserToken,
      '29:alex',
      'GraphConnection',
      'msteams',
      undefined,
    );
    sinon.assert.notCalled(service.signOutUser);
  });

  it('treats a token of another person as none, signs it out, and never logs it', async () => {
    const other = tokenWith({ oid: ISAIAH, tid: TENANT });
    const { service, tokens, logs } = tokensServing(other);
    assert.equal(await tokens.tokenOf(HOLDER), null);
    sinon.assert.calledOnceWithExactly(service.signOutUser, '29:alex', 'GraphConnection', 'msteams');
    assert.ok(!logs.text.includes(other.split('.')[1] ?? '-'), 'the token is not in the logs');
  });

  it('refuses a token of the same object id from another tenant, and one without readable claims', () => {
    const { tokens } = tokensServing(undefined);
    assert.equal(
      tokens.ownerOf(tokenWith({ oid: ALEX, tid: '00000000-0000-4000-8000-000000000000' }), ALEX),
      'someone-else',
    );
    assert.equal(tokens.ownerOf('not-a-jwt', ALEX), 'unreadable');
    assert.equal(tokens.ownerOf(tokenWith({ tid: TENANT }), ALEX), 'unreadable');
    assert.equal(tokens.ownerOf(tokenWith({ oid: ALEX.toUpperCase(), tid: TENANT }), ALEX), 'requester');
  });

  it('answers none without asking when Teams did not say who the sender is', async () => {
    const { service, tokens } = tokensServing(tokenWith({ oid: ALEX, tid: TENANT }));
    assert.equal(await tokens.tokenOf({ ...HOLDER, aadObjectId: undefined }), null);
    sinon.assert.notCalled(service.getUserToken);
  });

  it('answers none when the token service has no token', async () => {
    const { tokens } = tokensServing(undefined);
    assert.equal(await tokens.tokenOf(HOLDER), null);
  });
});
