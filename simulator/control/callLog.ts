import type { Caller } from '../http/types';

/** One received call, as tests inspect it. Request bodies are never kept (they may hold passwords). */
export interface RecordedCall {
  time: string;
  method: string;
  path: string;
  /** The raw query string without the leading `?`. */
  query: string;
  caller: { kind: Caller['kind']; appId: string; objectId: string } | null;
  status: number;
  viaBatch: boolean;
  requestId: string;
}

const maxRecordedCalls = 10_000;

/** The most recent calls (a bounded ring, so that benchmarks do not grow it without limit). */
export class CallLog {
  private calls: RecordedCall[] = [];

  record(call: RecordedCall): void {
    this.calls.push(call);
    if (this.calls.length > maxRecordedCalls) this.calls.splice(0, this.calls.length - maxRecordedCalls);
  }

  list(): RecordedCall[] {
    return [...this.calls];
  }

  clear(): void {
    this.calls = [];
  }
}
