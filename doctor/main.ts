import 'dotenv/config';
import { parseArgs } from 'node:util';
import { hasBlocking } from './checks';
import { permissionsMarkdown, renderTable, summary } from './report';
import { runDoctor } from './runDoctor';

/**
 * `npm run doctor [-- --json]`: the preflight for administrators. Reads the bot's configuration from the
 * environment and `.env`, as `npm start` does; prints a table (or JSON); exits 1 on a blocking problem.
 * `--permissions-table` prints the README's permission table from `graph/permissions.ts` and checks nothing.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      'permissions-table': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values['permissions-table']) {
    process.stdout.write(permissionsMarkdown());
    return;
  }
  const results = await runDoctor(process.env);
  if (values.json) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  } else {
    process.stdout.write('Helpdesk Reset preflight\n\n');
    process.stdout.write(renderTable(results, Math.max(100, process.stdout.columns ?? 160)));
    process.stdout.write(`\n${summary(results)}\n`);
  }
  process.exitCode = hasBlocking(results) ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run doctor failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
