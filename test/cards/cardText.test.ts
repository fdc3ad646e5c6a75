import assert from 'node:assert/strict';
import { escapeCardText } from '../../cards';
import { cardText, truncateText } from '../../cards/cardText';

describe('escapeCardText', () => {
  const cases: [string, string, string][] = [
    ['leaves ordinary names alone', 'Megan Bowen', 'Megan Bowen'],
    [
      'leaves hyphens, dots and apostrophes inside a name alone',
      "Mary-Jane O'Neil v1.2",
      "Mary-Jane O'Neil v1.2",
    ],
    ['escapes bold', '**URGENT**', '\\*\\*URGENT\\*\\*'],
    ['escapes italic', '_approve_', '\\_approve\\_'],
    ['escapes a link', '[verify](https://evil.example)', '\\[verify\\]\\(https://evil.example\\)'],
    ['escapes code spans', '`rm`', '\\`rm\\`'],
    ['escapes strikethrough', '~~now~~', '\\~\\~now\\~\\~'],
    ['escapes a heading marker', '# Done', '\\# Done'],
    ['escapes a blockquote marker', '> quoted', '\\> quoted'],
    ['escapes a bullet at the start', '- Approved', '\\- Approved'],
    ['escapes a plus bullet at the start', '+ Approved', '\\+ Approved'],
    ['escapes a numbered item at the start', '1. Approved', '1\\. Approved'],
    ['escapes a numbered item with a parenthesis', '12) Approved', '12\\) Approved'],
    ['does not escape a hyphen in the middle', 'a - b', 'a - b'],
    ['escapes angle brackets (mentions, autolinks)', '<at>Patti</at>', '\\<at\\>Patti\\</at\\>'],
    ['escapes ampersands so entities stay literal', '&lt;b&gt; &amp;', '\\&lt;b\\&gt; \\&amp;'],
    ['escapes backslashes', 'CONTOSO\\megan', 'CONTOSO\\\\megan'],
    [
      'breaks the DATE function',
      '{{DATE(2017-02-14T06:08:39Z, SHORT)}}',
      '{\\{DATE\\(2017-02-14T06:08:39Z, SHORT\\)}}',
    ],
    ['leaves a single brace and template syntax as text', '${requesterName}', '${requesterName}'],
    ['turns newlines into spaces so that no second line starts', 'Megan\n\n- Approved', 'Megan  - Approved'],
    ['escapes a list marker behind a newline at the start', '\n- x', ' \\- x'],
    ['removes bidi overrides', 'Megan \u202Emoc.liave', 'Megan moc.liave'],
    ['keeps unicode letters and emoji', 'Zoë 李小龍 👩🏽‍💻 محمد', 'Zoë 李小龍 👩🏽‍💻 محمد'],
  ];
  for (const [behaviour, input, expected] of cases) {
    it(behaviour, () => {
      assert.equal(escapeCardText(input), expected);
    });
  }
});

describe('truncateText', () => {
  it('leaves text within the limit unchanged', () => {
    assert.equal(truncateText('Megan Bowen', 11), 'Megan Bowen');
  });

  it('cuts long text to the limit, ending with an ellipsis', () => {
    const cut = truncateText('A'.repeat(500), 120);
    assert.equal(Array.from(cut).length, 120);
    assert.ok(cut.endsWith('…'));
  });

  it('never splits an emoji or a combined character', () => {
    const cut = truncateText('ab👩🏽‍💻cd', 5);
    assert.equal(cut, 'ab…');
  });

  it('cuts before escaping, so that no escape is cut in half', () => {
    assert.equal(cardText('*'.repeat(200), 4), '\\*\\*\\*…');
  });
});
