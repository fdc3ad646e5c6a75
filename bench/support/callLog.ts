import type { ConnectorCall } from './connector';

/** One call as the simulator's call log (`GET /_sim/calls`) lists it; the fields the benchmark reads. */
export interface SimulatorCall {
  startedAt: number;
  endedAt: number;
  method: string;
  path: string;
  status: number;
  viaBatch: boolean;
  responseBytes?: number;
  scope?: string;
}

export function isGraphCall(call: SimulatorCall): boolean {
  return /^\/(v1\.0|beta)\//.test(call.path);
}

export function isTokenRequest(call: SimulatorCall): boolean {
  return call.method === 'POST' && /\/oauth2\/v2\.0\/token$/i.test(call.path);
}

const isBatch = (call: SimulatorCall): boolean => /^\/(v1\.0|beta)\/\$batch$/.test(call.path);

/** Graph calls counted both ways: requests as Graph runs them, and HTTP requests as the network carries them. */
export interface GraphCallCount {
  /** Graph requests: those sent on their own plus those inside a `$batch` (a batch itself is not one). */
  requests: number;
  /** HTTP requests to Graph: a `$batch` counts once, whatever it holds. */
  httpRequests: number;
  /** Requests inside a `$batch`. */
  inBatch: number;
  /** Bytes of Graph's answers on the wire. */
  bytes: number;
}

export function countGraphCalls(calls: SimulatorCall[]): GraphCallCount {
  const graph = calls.filter(isGraphCall);
  const http = graph.filter((call) => !call.viaBatch);
  const inBatch = graph.filter((call) => call.viaBatch).length;
  return {
    requests: http.filter((call) => !isBatch(call)).length + inBatch,
    httpRequests: http.length,
    inBatch,
    bytes: http.reduce((sum, call) => sum + (call.responseBytes ?? 0), 0),
  };
}

/** Token requests by the resource they asked for: Graph's, the Bot Connector's, anything else. */
export interface TokenRequests {
  graph: number;
  botConnector: number;
  other: number;
}

export function countTokenRequests(calls: SimulatorCall[]): TokenRequests {
  const tokens = calls.filter(isTokenRequest);
  const graph = tokens.filter((call) => call.scope?.startsWith('https://graph.microsoft.com')).length;
  const botConnector = tokens.filter((call) => call.scope?.startsWith('https://api.botframework.com')).length;
  return { graph, botConnector, other: tokens.length - graph - botConnector };
}

/** A round trip to a service outside the bot: Graph (an HTTP request) or the Bot Connector. */
export interface RoundTrip {
  service: 'graph' | 'connector';
  startedAt: number;
  endedAt: number;
}

export function graphRoundTrips(calls: SimulatorCall[]): RoundTrip[] {
  return calls
    .filter((call) => isGraphCall(call) && !call.viaBatch)
    .map((call) => ({ service: 'graph', startedAt: call.startedAt, endedAt: call.endedAt }));
}

export function connectorRoundTrips(calls: ConnectorCall[]): RoundTrip[] {
  return calls.map((call) => ({ service: 'connector', startedAt: call.startedAt, endedAt: call.endedAt }));
}

/** Round trips that started and ended within `[from, to]`. */
export function within(trips: RoundTrip[], from: number, to: number): RoundTrip[] {
  return trips.filter(
    (trip) => trip.startedAt >= from - CLOCK_TOLERANCE_MS && trip.endedAt <= to + CLOCK_TOLERANCE_MS,
  );
}

/**
 * How much the processes' clocks may disagree: both read the same system clock through
 * `performance.timeOrigin`, which each process fixes at its start to within a millisecond.
 */
const CLOCK_TOLERANCE_MS = 1;

/** How many sequential round trips a step made, and of which services. */
export interface SequentialDepth {
  total: number;
  graph: number;
  connector: number;
}

/**
 * The longest chain of round trips each of which started after the one before it had ended: the waits the
 * step could not overlap. Round trips made in parallel overlap (each lasts at least the added latency), so
 * they count once.
 */
export function sequentialDepth(trips: RoundTrip[]): SequentialDepth {
  const sorted = [...trips].sort((a, b) => a.endedAt - b.endedAt);
  const longest: Array<{ total: number; graph: number; connector: number }> = [];
  let best: SequentialDepth = { total: 0, graph: 0, connector: 0 };
  sorted.forEach((trip, index) => {
    let chain: SequentialDepth = { total: 0, graph: 0, connector: 0 };
    for (let before = 0; before < index; before++) {
      const earlier = sorted[before];
      const candidate = longest[before];
      if (
        earlier &&
        candidate &&
        earlier.endedAt <= trip.startedAt + CLOCK_TOLERANCE_MS &&
        candidate.total > chain.total
      ) {
        chain = candidate;
      }
    }
    const here = {
      total: chain.total + 1,
      graph: chain.graph + (trip.service === 'graph' ? 1 : 0),
      connector: chain.connector + (trip.service === 'connector' ? 1 : 0),
    };
    longest.push(here);
    if (here.total > best.total) best = here;
  });
  return best;
}
