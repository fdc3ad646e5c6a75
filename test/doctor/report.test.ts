import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { result } from '../../doctor/checks';
import { permissionsMarkdown, renderTable, summary } from '../../doctor/report';
import { REQUIRED_GRAPH_PERMISSIONS, requiredGraphPermissions } from '../../graph/permissions';

describe('the preflight report', () => {
  it('wraps long cells into their columns, so that no line is wider than asked', () => {
    const sut = renderTable(
      [
        result('Graph sign-in', 'ok', 'token issued '.repeat(20)),
        result('Bot Framework credentials', 'blocking', 'x'.repeat(300), 'do this '.repeat(30)),
      ],
      100,
    );

    const lines = sut.trimEnd().split('\n');
    assert.ok(
      lines.every((line) => line.length <= 100),
      lines.find((line) => line.length > 100),
    );
    assert.match(lines[0] ?? '', /^check\s+result\s+detail\s+fix$/);
    assert.ok(lines.some((line) => line.startsWith('Bot Framework credentials  blocking')));
  });

  it('sums up blocking problems first, then warnings', () => {
    assert.equal(summary([result('a', 'ok', '')]), 'No problem found.');
    assert.equal(summary([result('a', 'warning', '', 'f')]), 'No blocking problem; 1 warning to review.');
    assert.equal(
      summary([result('a', 'blocking', '', 'f'), result('b', 'blocking', '', 'f')]),
      '2 blocking problems: the bot will not work until they are fixed.',
    );
  });

  it("keeps the README's permission table the one the preflight checks", () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const lines = new Set(readme.split('\n').map((line) => line.trim()));
    for (const row of permissionsMarkdown().trimEnd().split('\n')) {
      assert.ok(lines.has(row.trim()), `README.md lacks the row: ${row}`);
    }
  });

  it('writes the README permission table from the list the preflight checks, one row each, with its modes', () => {
    const rows = permissionsMarkdown().trimEnd().split('\n').slice(2);
    assert.deepEqual(
      rows.map((row) => /^\| `([^`]+)` \| ([a-z, ]+) \| .+ \|$/.exec(row)?.slice(1, 3)),
      REQUIRED_GRAPH_PERMISSIONS.map((p) => [p.name, p.neededWhen.join(', ')]),
    );
  });

  it('needs User-PasswordProfile.ReadWrite.All only when the bot itself resets (RESET_AS=bot)', () => {
    const names = (mode: 'bot' | 'agent') => requiredGraphPermissions(mode).map((p) => p.name);
    assert.deepEqual(
      names('bot'),
      REQUIRED_GRAPH_PERMISSIONS.map((p) => p.name),
    );
    assert.deepEqual(
      names('agent'),
      names('bot').filter((name) => name !== 'User-PasswordProfile.ReadWrite.All'),
    );
    assert.match(permissionsMarkdown(), /^\| `User-PasswordProfile\.ReadWrite\.All` \| bot \| /m);
  });
});
