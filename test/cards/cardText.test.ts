import assert from 'node:assert/strict';
import { cardText, cleanCardText, truncateText } from '../../cards/cardText';

const WORD_JOINER = '\u2060';

describe('cleanCardText', () => {
  const cases: [string, string, string][] = [
    ['leaves ordinary names alone', 'Megan Bowen', 'Megan Bowen'],
    [
      'leaves hyphens, dots, apostrophes and underscores alone',
      "Mary-Jane O'Neil v1.2 megan_bowen",
      "Mary-Jane O'Neil v1.2 megan_bowen",
    ],
    [
      'adds no backslash to markdown',
      '**URGENT** [verify](https://evil.example)',
      '**URGENT** [verify](https://evil.example)',
    ],
    ['adds no backslash to a list marker', '- Approved', '- Approved'],
    ['keeps a backslash as it is', 'CONTOSO\\megan', 'CONTOSO\\megan'],
    ['keeps angle brackets and entities as they are', '<at>Patti</at> &amp;', '<at>Patti</at> &amp;'],
    [
      'breaks the DATE function with an invisible word joiner',
      '{{DATE(2017-02-14T06:08:39Z, SHORT)}}',
      `{${WORD_JOINER}{DATE(2017-02-14T06:08:39Z, SHORT)}}`,
    ],
    ['leaves a single brace and template syntax as text', '${requesterName}', '${requesterName}'],
    ['turns newlines into spaces so that no second line starts', 'Megan\n\n- Approved', 'Megan  - Approved'],
    ['turns other control characters into spaces', 'Megan\u0007\u0085Bowen', 'Megan  Bowen'],
    ['removes bidi overrides and isolates', 'Megan \u202Emoc.liave\u2066x\u2069', 'Megan moc.liavex'],
    ['keeps unicode letters and emoji', 'Zoë 李小龍 👩🏽‍💻 محمد', 'Zoë 李小龍 👩🏽‍💻 محمد'],
  ];
  for (const [behaviour, input, expected] of cases) {
    it(behaviour, () => {
      assert.equal(cleanCardText(input), expected);
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
});

describe('cardText', () => {
  it('caps, then cleans, so that a broken date function stays broken', () => {
    assert.equal(cardText('x{{DATE(2017-02-14T06:08:39Z)}}', 4), `x{${WORD_JOINER}{…`);
    assert.equal(cardText('*'.repeat(200), 4), '***…');
  });
});
