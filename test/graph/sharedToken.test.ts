import assert from 'node:assert/strict';
import type { AccessToken, TokenCredential } from '@azure/identity';
import sinon from 'sinon';
import { SharedTokenCredential } from '../../graph/sharedToken';

const SCOPE = 'https://graph.microsoft.com/.default';
const HOUR = 60 * 60 * 1000;

/** A credential that answers after the test releases it, counting the requests it made to Entra. */
function slowCredential(now: () => number) {
  const waiting: Array<{ resolve: (token: AccessToken) => void; reject: (error: Error) => void }> = [];
  let issued = 0;
  const credential: TokenCredential = {
    getToken: () =>
      new Promise<AccessToken>((resolve, reject) => {
        waiting.push({ resolve, reject });
      }),
  };
  return {
    credential,
    requests: () => waiting.length,
    answerAll(lifetimeMs = HOUR) {
      for (const request of waiting.splice(0)) {
        issued += 1;
        request.resolve({ token: `token-${issued}`, expiresOnTimestamp: now() + lifetimeMs });
      }
    },
    /** Takes the oldest request off, never to be answered. */
    takeFirst() {
      waiting.shift();
    },
    failAll() {
      for (const request of waiting.splice(0)) request.reject(new Error('AADSTS7000215'));
    },
    get issued() {
      return issued;
    },
  };
}

/** A shared credential that has just been given a token for an hour. */
async function holdingAnHourToken() {
  const entra = slowCredential(() => Date.now());
  const shared = new SharedTokenCredential(entra.credential);
  const first = shared.getToken(SCOPE);
  await Promise.resolve();
  entra.answerAll();
  await first;
  return { entra, shared };
}

describe('SharedTokenCredential', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(
    () => (clock = sinon.useFakeTimers({ now: Date.parse('2026-12-02T10:00:00Z'), toFake: ['Date'] })),
  );
  afterEach(() => clock.restore());

  it('asks Entra once when eight callers want a token at the same moment', async () => {
    const entra = slowCredential(() => Date.now());
    const shared = new SharedTokenCredential(entra.credential);

    const tokens = Array.from({ length: 8 }, () => shared.getToken(SCOPE));
    await Promise.resolve();
    assert.equal(entra.requests(), 1);
    entra.answerAll();

    assert.deepEqual(
      (await Promise.all(tokens)).map((token) => token.token),
      Array.from({ length: 8 }, () => 'token-1'),
    );
  });

  it('keeps the token until five minutes before it expires, then renews it once, behind the callers', async () => {
    const { entra, shared } = await holdingAnHourToken();

    clock.tick(HOUR - 5 * 60 * 1000 - 1);
    assert.equal((await shared.getToken(SCOPE)).token, 'token-1');
    assert.equal(entra.requests(), 0);

    clock.tick(2);
    const expiring = await Promise.all(Array.from({ length: 8 }, () => shared.getToken(SCOPE)));
    assert.ok(
      expiring.every((token) => token.token === 'token-1'),
      'the eight callers are served at once with the token still good',
    );
    assert.equal(entra.requests(), 1, 'one renewal for the eight callers');
    entra.answerAll();
    await Promise.resolve();
    await Promise.resolve();
    assert.equal((await shared.getToken(SCOPE)).token, 'token-2');
    assert.equal(entra.requests(), 0);
  });

  it('waits for the renewal once the token is at its end, with every other caller', async () => {
    const { entra, shared } = await holdingAnHourToken();

    clock.tick(HOUR - 30 * 1000);
    const renewed = Array.from({ length: 8 }, () => shared.getToken(SCOPE));
    await Promise.resolve();
    assert.equal(entra.requests(), 1);
    entra.answerAll();
    assert.ok((await Promise.all(renewed)).every((token) => token.token === 'token-2'));
  });

  it('asks again for a caller that comes when the request in flight looks stuck', async () => {
    const entra = slowCredential(() => Date.now());
    // Timers are real here: the wait for a stuck request is cut short rather than faked.
    const shared = new SharedTokenCredential(entra.credential, { presumedStuckMs: 2000 });

    const stuck = shared.getToken(SCOPE);
    clock.tick(500);
    const joined = shared.getToken(SCOPE);
    await Promise.resolve();
    assert.equal(entra.requests(), 1, 'a young request is joined');
    clock.tick(1500);
    const hedged = shared.getToken(SCOPE);
    await Promise.resolve();
    assert.equal(entra.requests(), 2, 'a request unanswered for 2 s is not');
    entra.answerAll();
    assert.deepEqual(
      (await Promise.all([stuck, joined, hedged])).map((token) => token.token),
      ['token-1', 'token-1', 'token-2'],
    );
  });

  it('serves the callers waiting on a stuck request from a new one', async () => {
    const entra = slowCredential(() => Date.now());
    const shared = new SharedTokenCredential(entra.credential, { presumedStuckMs: 30 });

    const waiting = [shared.getToken(SCOPE), shared.getToken(SCOPE)];
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(entra.requests(), 2, 'one new request for the callers of the stuck one');
    // Only the new request answers; the stuck one never does.
    entra.takeFirst();
    entra.answerAll();
    assert.deepEqual(
      (await Promise.all(waiting)).map((token) => token.token),
      ['token-1', 'token-1'],
    );
  });

  it('does not keep a failure: the callers waiting fail, and the next caller asks again', async () => {
    const entra = slowCredential(() => Date.now());
    const shared = new SharedTokenCredential(entra.credential);

    const failing = [shared.getToken(SCOPE), shared.getToken(SCOPE)];
    await Promise.resolve();
    entra.failAll();
    for (const attempt of failing) await assert.rejects(attempt, /AADSTS7000215/);

    const again = shared.getToken(SCOPE);
    await Promise.resolve();
    assert.equal(entra.requests(), 1);
    entra.answerAll();
    assert.equal((await again).token, 'token-1');
  });

  it('keeps one token per scope', async () => {
    const entra = slowCredential(() => Date.now());
    const shared = new SharedTokenCredential(entra.credential);

    const both = [shared.getToken(SCOPE), shared.getToken('https://storage.azure.com/.default')];
    await Promise.resolve();
    assert.equal(entra.requests(), 2);
    entra.answerAll();
    await Promise.all(both);
  });
});
