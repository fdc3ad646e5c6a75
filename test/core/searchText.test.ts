import assert from 'node:assert/strict';
import { normalizeSearchText } from '../../core/searchText';

describe('normalizeSearchText', () => {
  const cases: [string, string | null][] = [
    ['  Megan   Bowen ', 'Megan Bowen'],
    ['Megan\tBowen\r\n', 'Megan Bowen'],
    ['Me\u0000gan\u0007', 'Megan'],
    ['\u202EnewoB', 'newoB'],
    ['Zoe\u0301', 'Zoé'],
    ['', null],
    ['   \n\t ', null],
    ['\u0000\u001F', null],
    ['x'.repeat(100), 'x'.repeat(100)],
    ['x'.repeat(101), null],
    [`${'x'.repeat(99)}    `, 'x'.repeat(99)],
    ['😀'.repeat(100), '😀'.repeat(100)],
  ];
  for (const [input, expected] of cases) {
    it(`turns ${JSON.stringify(input.length > 20 ? `${input.slice(0, 8)}…(${input.length})` : input)} into ${JSON.stringify(expected && expected.length > 20 ? `${expected.slice(0, 8)}…` : expected)}`, () => {
      assert.equal(normalizeSearchText(input), expected);
    });
  }

  it('refuses a huge input outright', () => {
    assert.equal(normalizeSearchText(' '.repeat(5000) + 'Megan'), null);
  });
});
