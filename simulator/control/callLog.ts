import type { Caller } from '../http/types';

/** One received call, as tests inspect it. Request bodies are never kept (they may hold passwords). */
export interface RecordedCall {
  time: string;
  /**
   * When the request reached the simulator (its body read) and when its answer was ready, in milliseconds
   * since the Unix epoch with sub-millisecond precision. Two calls overlap when one started before the other
   * ended: that is how a benchmark tells parallel calls from sequential ones.
   */
  startedAt: number;
  endedAt: number;
  method: string;
  path: string;
  /** The raw query string without the leading `?`. */
  query: string;
  caller: { kind: Caller['kind']; appId: string; objectId: string } | null;
  status: number;
  viaBatch: boolean;
  requestId: string;
  /** Bytes of the answer's body on the wire; absent inside a `$batch` (its bytes are the batch's). */
  responseBytes?: number;
  /** The `scope` a token request asked for (no secret: the resource and its `/.default`). */
  scope?: string;
}

const maxRecordedCalls = 10_000;

/**
 * The most recent calls, in arrival order of their answers: a bounded ring, so that a benchmark's hundreds of
 * thousands of calls neither grow it nor cost more than a slot write each.
 */
export class CallLog {
  private calls: RecordedCall[] = [];
  /** Where the next call goes once the ring is full (the oldest call's slot). */
  private next = 0;

  record(call: RecordedCall): void {
    if (this.calls.length < maxRecordedCalls) {
      this.calls.push(call);
      return;
    }
    this.calls[this.next] = call;
    this.next = (this.next + 1) % maxRecordedCalls;
  }

  list(): RecordedCall[] {
    return [...this.calls.slice(this.next), ...this.calls.slice(0, this.next)];
  }

  clear(): void {
    this.calls = [];
    this.next = 0;
  }
}
