import type { PendingAction, PendingActionStore, StoredPendingAction } from '../../core/pendingActions';

/** The pending-action port in a Map, with a version per write: core tests need no botbuilder storage. */
export class MemoryPendingActionStore implements PendingActionStore {
  private readonly records = new Map<string, StoredPendingAction>();
  private writes = 0;

  add(action: PendingAction): Promise<void> {
    this.records.set(action.id, {
      action: structuredClone(action),
      usedAt: null,
      version: this.nextVersion(),
    });
    return Promise.resolve();
  }

  read(id: string): Promise<StoredPendingAction | null> {
    const record = this.records.get(id);
    return Promise.resolve(record ? structuredClone(record) : null);
  }

  markUsed(read: StoredPendingAction, usedAt: string): Promise<'marked' | 'conflict'> {
    const current = this.records.get(read.action.id);
    if (!current || current.version !== read.version) return Promise.resolve('conflict');
    this.records.set(read.action.id, { ...current, usedAt, version: this.nextVersion() });
    return Promise.resolve('marked');
  }

  private nextVersion(): string {
    return String(++this.writes);
  }
}
