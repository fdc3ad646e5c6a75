import assert from 'node:assert/strict';
import {
  encodePathSegment,
  encodeQueryValue,
  escapeODataString,
  normalizeSearchText,
  startsWith,
} from '../../../bot/directory/odata';

describe('OData query building', () => {
  it("doubles single quotes inside a string literal (O'Brien → O''Brien)", () => {
    assert.equal(escapeODataString("O'Brien"), "O''Brien");
    assert.equal(escapeODataString("''"), "''''");
    assert.equal(startsWith('displayName', "D'Arcy"), "startswith(displayName,'D''Arcy')");
  });

  it('percent-encodes every URL delimiter in a query value', () => {
    const encoded = encodeQueryValue("a'b #c&d=e+f%g?h/i");
    assert.doesNotMatch(encoded, /[#&=+?/ ]|%(?![0-9A-F]{2})/);
    assert.equal(decodeURIComponent(encoded), "a'b #c&d=e+f%g?h/i");
  });

  it('keeps a value with a lone surrogate encodable instead of throwing', () => {
    assert.equal(encodeQueryValue('ab\uD800c'), 'abc');
  });

  it('encodes a guest UPN as a single path segment', () => {
    assert.equal(encodePathSegment('a_b.com#EXT#@contoso.com'), 'a_b.com%23EXT%23%40contoso.com');
    assert.equal(encodePathSegment('x/../y'), 'x%2F..%2Fy');
  });
});

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
