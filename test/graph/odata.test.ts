import assert from 'node:assert/strict';
import { encodePathSegment, encodeQueryValue, escapeODataString, startsWith } from '../../graph/odata';

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
