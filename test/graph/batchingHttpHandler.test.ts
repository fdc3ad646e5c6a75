import assert from 'node:assert/strict';
import type { Context } from '@microsoft/microsoft-graph-client';
import sinon from 'sinon';
import { BatchingHttpHandler, MAX_BATCH_REQUESTS } from '../../graph/batchingHttpHandler';

const ROOT = 'https://graph.example/v1.0/';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: {
    requests: Array<{ id: string; method: string; url: string; headers?: Record<string, string> }>;
  } | null;
}

/** Stands in for `fetch`: records what was sent, answers a batch from `answer` and anything else with 200 {}. */
function stubFetch(
  answerBatch: (body: NonNullable<Sent['body']>) => Response = (body) =>
    jsonResponse(200, {
      responses: body.requests.map((request) => ({
        id: request.id,
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: { asked: request.url },
      })),
    }),
) {
  const sent: Sent[] = [];
  const stub = sinon.stub(globalThis, 'fetch').callsFake((input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Sent['body']) : null;
    sent.push({ url, method: init?.method ?? 'GET', headers, body });
    if (url.endsWith('$batch') && body) return Promise.resolve(answerBatch(body));
    return Promise.resolve(jsonResponse(200, { alone: url }));
  });
  return { sent, stub };
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function get(path: string, signal?: AbortSignal): Context {
  return {
    request: `${ROOT}${path}`,
    options: {
      method: 'GET',
      headers: { Authorization: 'Bearer app-token', ConsistencyLevel: 'eventual' },
      signal,
    },
  };
}

async function run(handler: BatchingHttpHandler, context: Context): Promise<Response> {
  await handler.execute(context);
  assert.ok(context.response);
  return context.response;
}

describe('BatchingHttpHandler', () => {
  afterEach(() => sinon.restore());

  it('sends reads started together as one JSON batch, each answered with its own response', async () => {
    const { sent } = stubFetch();
    const handler = new BatchingHttpHandler(ROOT);

    const [first, second] = await Promise.all([
      run(handler, get('users/a?$select=id')),
      run(handler, get('roleManagement/directory/roleAssignments?$filter=x')),
    ]);

    assert.equal(sent.length, 1);
    assert.equal(sent[0].url, `${ROOT}$batch`);
    assert.equal(sent[0].method, 'POST');
    assert.equal(sent[0].headers.authorization, 'Bearer app-token');
    assert.deepEqual(
      sent[0].body?.requests.map(({ method, url, headers }) => ({ method, url, headers })),
      [
        { method: 'GET', url: '/users/a?$select=id', headers: { ConsistencyLevel: 'eventual' } },
        {
          method: 'GET',
          url: '/roleManagement/directory/roleAssignments?$filter=x',
          headers: { ConsistencyLevel: 'eventual' },
        },
      ],
      'relative URLs; the token travels once, on the batch',
    );
    assert.deepEqual(await first.json(), { asked: '/users/a?$select=id' });
    assert.deepEqual(await second.json(), { asked: '/roleManagement/directory/roleAssignments?$filter=x' });
  });

  it('matches responses to requests by id, in whatever order they come', async () => {
    stubFetch((body) =>
      jsonResponse(200, {
        responses: [...body.requests].reverse().map((request) => ({
          id: request.id,
          status: 200,
          headers: { 'Content-Type': 'application/json' },
          body: { asked: request.url },
        })),
      }),
    );
    const handler = new BatchingHttpHandler(ROOT);

    const answers = await Promise.all(
      ['users/a', 'users/b', 'users/c'].map((path) => run(handler, get(path))),
    );

    assert.deepEqual(
      await Promise.all(answers.map(async (answer) => ((await answer.json()) as { asked: string }).asked)),
      ['/users/a', '/users/b', '/users/c'],
    );
  });

  it('sends a read that has no company alone, and never batches a write', async () => {
    const { sent } = stubFetch();
    const handler = new BatchingHttpHandler(ROOT);

    await run(handler, get('users/a'));
    await Promise.all([
      run(handler, { request: `${ROOT}users/a`, options: { method: 'PATCH', body: '{}' } }),
      run(handler, { request: `${ROOT}users/a/revokeSignInSessions`, options: { method: 'POST' } }),
    ]);

    assert.deepEqual(
      sent.map(({ method, url }) => `${method} ${url}`),
      [`GET ${ROOT}users/a`, `PATCH ${ROOT}users/a`, `POST ${ROOT}users/a/revokeSignInSessions`],
    );
  });

  it("hands a sub-request's throttling answer, with its Retry-After, to that request alone", async () => {
    stubFetch((body) =>
      jsonResponse(200, {
        responses: body.requests.map((request, index) =>
          index === 0
            ? {
                id: request.id,
                status: 429,
                headers: { 'Retry-After': '7', 'Content-Type': 'application/json' },
                body: { error: { code: 'TooManyRequests', message: 'slow down' } },
              }
            : { id: request.id, status: 200, headers: { 'Content-Type': 'application/json' }, body: {} },
        ),
      }),
    );
    const handler = new BatchingHttpHandler(ROOT);

    const [throttled, fine] = await Promise.all([run(handler, get('users/a')), run(handler, get('users/b'))]);

    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '7');
    assert.deepEqual(await throttled.json(), { error: { code: 'TooManyRequests', message: 'slow down' } });
    assert.equal(fine.status, 200);
  });

  it("gives every request the batch's own failure answer", async () => {
    stubFetch(() => jsonResponse(503, { error: { code: 'serviceNotAvailable' } }, { 'Retry-After': '2' }));
    const handler = new BatchingHttpHandler(ROOT);

    const answers = await Promise.all([run(handler, get('users/a')), run(handler, get('users/b'))]);

    assert.deepEqual(
      answers.map((answer) => [answer.status, answer.headers.get('retry-after')]),
      [
        [503, '2'],
        [503, '2'],
      ],
    );
  });

  it('fails a request left out of the answer, rather than giving it another one', async () => {
    stubFetch((body) =>
      jsonResponse(200, {
        responses: [{ id: body.requests[1].id, status: 200, headers: {}, body: { ok: true } }],
      }),
    );
    const handler = new BatchingHttpHandler(ROOT);

    const [left, answered] = await Promise.allSettled([
      run(handler, get('users/a')),
      run(handler, get('users/b')),
    ]);

    assert.equal(left.status, 'rejected');
    assert.equal(answered.status, 'fulfilled');
  });

  it('fails a request whose own deadline ends, alone: the batch goes on for the others', async () => {
    let answer: (response: Response) => void = () => undefined;
    const { stub } = stubFetch();
    stub.callsFake(() => new Promise<Response>((resolve) => (answer = resolve)));
    const handler = new BatchingHttpHandler(ROOT);
    const deadline = new AbortController();

    const hurried = run(handler, get('users/a', deadline.signal));
    const patient = run(handler, get('users/b'));
    await new Promise((resolve) => setImmediate(resolve));
    deadline.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    await assert.rejects(hurried, { name: 'TimeoutError' });
    const batchSignal = stub.firstCall.args[1]?.signal;
    assert.equal(
      batchSignal?.aborted,
      false,
      'the batch is not abandoned while a request still waits for it',
    );
    answer(
      jsonResponse(200, {
        responses: ['1', '2'].map((id) => ({ id, status: 200, headers: {}, body: { id } })),
      }),
    );
    assert.deepEqual(await (await patient).json(), { id: '2' });
  });

  it(`splits more than ${MAX_BATCH_REQUESTS} reads into batches of at most ${MAX_BATCH_REQUESTS}`, async () => {
    const { sent } = stubFetch();
    const handler = new BatchingHttpHandler(ROOT);

    await Promise.all(Array.from({ length: 45 }, (_, index) => run(handler, get(`users/u${index}`))));

    assert.deepEqual(
      sent.map((request) => request.body?.requests.length),
      [20, 20, 5],
    );
  });
});
