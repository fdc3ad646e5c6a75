import assert from 'node:assert/strict';

/** Where a running simulator listens and the key its control API asks for (`RunningSimulator` fits). */
export interface SimulatorAddress {
  url: string;
  controlKey: string;
}

/**
 * One call to the simulator's test-only control API (`/_sim/…`, simulator/control/controlApi.ts), e.g.
 * `simulatorControl(sim, 'GET', '/_sim/calls')`. Asserts a 2xx answer and resolves to its JSON body, or `{}`
 * when it has none; `Answer` is what the caller expects of it, unchecked.
 */
export async function simulatorControl<Answer = Record<string, unknown>>(
  simulator: SimulatorAddress,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers: { 'x-sim-control-key': simulator.controlKey, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path} answered ${response.status}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as Answer;
}
