import type { AuditEvent } from '../../../core/audit';
import { PendingActions } from '../../../core/pendingActions';
import type { Requester, ResetDependencies } from '../../../core/resets';
import { FakeDirectory, IDS } from '../../support/fakeDirectory';
import { FakePrivateChat } from '../../support/fakePrivateChat';
import { MemoryPendingActionStore } from '../../support/memoryPendingActionStore';
import { noRateLimits } from '../../support/rateLimits';

/** Each has a private chat that is always reachable; `withChat` gives one a chat a test controls. */
export const ALEX: Requester = {
  aadObjectId: IDS.alex,
  name: 'Alex Wilber',
  privateChat: new FakePrivateChat(),
};
export const MEGAN: Requester = {
  aadObjectId: IDS.megan,
  name: 'Megan Bowen',
  privateChat: new FakePrivateChat(),
};
export const NOBODY: Requester = {
  aadObjectId: undefined,
  name: 'the requester',
  privateChat: new FakePrivateChat(),
};

export function withChat(requester: Requester, privateChat: FakePrivateChat): Requester {
  return { ...requester, privateChat };
}
export const CONVERSATION = 'a:personal-alex';

/** The use cases' world, in memory only: the demo people, a store of pending actions, an audit trail. */
export interface UseCaseWorld {
  directory: FakeDirectory;
  audit: AuditEvent[];
  deps: ResetDependencies;
}

export function useCaseWorld(): UseCaseWorld {
  const directory = FakeDirectory.withDemoPeople();
  const audit: AuditEvent[] = [];
  const deps: ResetDependencies = {
    directory,
    pendingActions: new PendingActions(new MemoryPendingActionStore()),
    settings: { passwordWritebackEnabled: false, resetAs: 'bot' as const },
    audit: { record: (event) => audit.push(event) },
    rateLimits: noRateLimits(),
  };
  return { directory, audit, deps };
}

/** A Graph error as the SDK raises it, for a fake directory to map the way the Graph adapter does. */
export function graphFailure(statusCode: number, code: string, requestId: string): Error {
  return Object.assign(new Error(`Graph answered ${statusCode}`), { statusCode, code, requestId });
}
