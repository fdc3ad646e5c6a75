import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { createAppCredential } from '../graph/appCredential';
import type { BlobAccount } from '../storage/blobStateStore';
import { recordLifetimes } from '../storage/recordLifetimes';
import { SqliteStateStore } from '../storage/sqliteStateStore';
import type { StateStore } from '../storage/stateStore';
import { ConfigError, loadConfig, loadStoreConfig, type StoreConfig } from './config';

/**
 * The store the configuration names. `credential` is asked for only by Blob storage reached by account URL:
 * the bot's own app credential (its managed identity in Azure), which needs "Storage Blob Data Contributor".
 */
export function openStateStore(
  config: StoreConfig,
  credential: () => ReturnType<typeof createAppCredential>,
): StateStore {
  if (config.kind === 'sqlite')
    return new SqliteStateStore({ file: config.file, lifetimeOf: recordLifetimes });
  const { BlobStateStore } = blobStorage();
  const account: BlobAccount =
    'connectionString' in config.connection
      ? { connectionString: config.connection.connectionString }
      : { accountUrl: config.connection.accountUrl, credential: credential() };
  return new BlobStateStore({
    ...account,
    stateContainer: config.stateContainer,
    auditContainer: config.auditContainer,
    lifetimeOf: recordLifetimes,
    // One audit blob per instance and hour: instances never append to the same blob.
    instanceId: `${hostname()}-${randomUUID().slice(0, 8)}`,
  });
}

/**
 * The Blob store's module, loaded only when the configuration names it: the Azure Storage SDK and botbuilder's
 * Blob adapter would add about 110 ms to every start with SQLite (issue #11). Required rather than imported
 * dynamically so that opening a store, and wiring the bot, stay synchronous.
 */
function blobStorage(): typeof import('../storage/blobStateStore') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../storage/blobStateStore') as typeof import('../storage/blobStateStore');
}

/** Where the store is, for the start-up log line: never a connection string (it holds the account key). */
export function describeStore(config: StoreConfig): Record<string, string> {
  if (config.kind === 'sqlite') return { store: 'sqlite', file: config.file };
  return {
    store: 'blob',
    account:
      'accountUrl' in config.connection ? config.connection.accountUrl : 'connection string (not logged)',
    stateContainer: config.stateContainer,
    auditContainer: config.auditContainer,
  };
}

/**
 * The store the environment names, for a tool beside the bot (`npm run audit`): an existing SQLite file only
 * (a tool never creates an empty store), and for Blob storage by account URL, the bot's own credential.
 */
export function openConfiguredStore(environment: NodeJS.ProcessEnv): StateStore {
  const config = loadStoreConfig(environment);
  if (config.kind === 'sqlite' && !existsSync(config.file)) {
    throw new ConfigError([`No store at ${config.file} (STATE_SQLITE_FILE): the bot has not run here yet`]);
  }
  return openStateStore(config, () => createAppCredential(loadConfig(environment).graph));
}
