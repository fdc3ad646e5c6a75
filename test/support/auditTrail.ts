import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AuditRecord } from '../../core/audit';
import type { BotOverHttp } from './botOverHttp';

const AUDIT_ENTRY = resolve(__dirname, '../../bot/auditCommand.js');

/**
 * `npm run audit -- --since 1h --format <format>` as an operator runs it: a process of its own, given only the
 * store's settings, in the store's folder.
 */
export async function auditCommand(bot: BotOverHttp, format: 'json' | 'table' | 'csv'): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [AUDIT_ENTRY, '--since', '1h', '--format', format],
    {
      env: { PATH: process.env.PATH ?? '', ...bot.storeEnvironment },
      cwd: dirname(bot.storeEnvironment.STATE_SQLITE_FILE ?? '.'),
    },
  );
  return stdout;
}

/** The trail as `npm run audit -- --format json` prints it. */
export async function auditTrail(bot: BotOverHttp): Promise<AuditRecord[]> {
  return JSON.parse(await auditCommand(bot, 'json')) as AuditRecord[];
}

/** The passwords delivered so far: the strings in the bot's messages (not card updates) that sign Megan in. */
export async function deliveredPasswords(bot: BotOverHttp): Promise<string[]> {
  const passwords: string[] = [];
  for (const call of bot.connector.calls.filter((candidate) => candidate.operation !== 'updateActivity')) {
    const password = await bot.passwordThatSignsIn(call);
    if (password !== undefined) passwords.push(password);
  }
  return passwords;
}
