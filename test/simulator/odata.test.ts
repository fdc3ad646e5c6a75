import assert from 'node:assert/strict';
import {
  MAX_NESTING_DEPTH,
  MAX_QUERY_LENGTH,
  ODataSyntaxError,
  evaluateFilter,
  evaluateSearch,
  filterProperties,
  parseFilter,
  parseSearch,
  searchProperties,
  tokenize,
} from '../../simulator/graph/odata';

/** Directory-shaped fixtures; each case below names the ids it expects to match. */
const people: Record<string, unknown>[] = [
  {
    id: 'e1a00000-0000-4000-8000-000000000002',
    displayName: 'Megan Bowen',
    givenName: 'Megan',
    surname: 'Bowen',
    mail: 'MeganB@contoso.com',
    userPrincipalName: 'meganb@contoso.com',
    accountEnabled: true,
    userType: 'Member',
    employeeNumber: 42,
    identities: [
      { signInType: 'userPrincipalName', issuer: 'contoso.com', issuerAssignedId: 'meganb@contoso.com' },
    ],
    proxyAddresses: ['SMTP:meganb@contoso.com', 'smtp:megan@contoso.onmicrosoft.com'],
  },
  {
    id: 'e1a00000-0000-4000-8000-000000000003',
    displayName: 'Adele Vance',
    givenName: 'Adele',
    surname: 'Vance',
    mail: 'adelev@contoso.com',
    userPrincipalName: 'adelev@contoso.com',
    accountEnabled: false,
    userType: 'Member',
    identities: [{ signInType: 'federated', issuer: 'fabrikam.com', issuerAssignedId: 'adele' }],
    proxyAddresses: ['SMTP:adelev@contoso.com'],
  },
  {
    id: 'e1a00000-0000-4000-8000-000000000010',
    displayName: 'Adele Walker',
    givenName: 'Adele',
    surname: 'Walker',
    mail: null,
    userPrincipalName: 'adele.walker_fabrikam.com#EXT#@contoso.onmicrosoft.com',
    accountEnabled: true,
    userType: 'Guest',
    identities: [],
    proxyAddresses: [],
  },
  {
    id: 'e1a00000-0000-4000-8000-000000000011',
    displayName: "Seán O'Brien",
    givenName: 'Seán',
    surname: "O'Brien",
    mail: 'sobrien@contoso.com',
    userPrincipalName: 'sobrien@contoso.com',
    accountEnabled: true,
    userType: 'Member',
  },
  {
    id: 'e1a00000-0000-4000-8000-000000000012',
    displayName: 'Wanda HelloWorld-Ops2024',
    givenName: 'Wanda',
    surname: 'Ops',
    mail: 'wanda@fabrikam.com',
    userPrincipalName: 'wanda@contoso.com',
    accountEnabled: true,
    userType: 'Member',
    description: 'One video, one drive',
  },
];

/** The short ids (last two hex digits) of the fixtures that pass `matches`. */
function matching(matches: (entity: Record<string, unknown>) => boolean): string[] {
  return people.filter(matches).map((person) => String(person.id).slice(-2));
}

function filtered(text: string): string[] {
  const expression = parseFilter(text);
  return matching((entity) => evaluateFilter(expression, entity));
}

function searched(text: string): string[] {
  const expression = parseSearch(text);
  return matching((entity) => evaluateSearch(expression, entity));
}

function assertSyntaxError(parse: () => unknown, message: RegExp): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof ODataSyntaxError, `expected ODataSyntaxError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('OData $filter of the simulated tenant', () => {
  describe('evaluates each construct as Graph does on directory objects', () => {
    const cases: { name: string; filter: string; ids: string[] }[] = [
      { name: 'startswith', filter: "startswith(displayName,'meg')", ids: ['02'] },
      {
        name: 'startsWith spelled in camel case',
        filter: "startsWith(displayName,'Adele')",
        ids: ['03', '10'],
      },
      { name: 'endswith', filter: "endswith(mail,'@fabrikam.com')", ids: ['12'] },
      {
        name: 'eq on a string, ignoring case',
        filter: "userPrincipalName eq 'MEGANB@CONTOSO.COM'",
        ids: ['02'],
      },
      { name: 'ne on a string', filter: "userType ne 'member'", ids: ['10'] },
      { name: 'eq false', filter: 'accountEnabled eq false', ids: ['03'] },
      { name: 'eq true', filter: 'accountEnabled eq true', ids: ['02', '10', '11', '12'] },
      {
        name: 'eq null, matching null and missing properties',
        filter: 'employeeNumber eq null',
        ids: ['03', '10', '11', '12'],
      },
      { name: 'ne null', filter: 'mail ne null', ids: ['02', '03', '11', '12'] },
      { name: 'eq on a number', filter: 'employeeNumber eq 42', ids: ['02'] },
      { name: 'a number never equals its string form', filter: "employeeNumber eq '42'", ids: [] },
      { name: 'a quoted GUID', filter: "id eq 'E1A00000-0000-4000-8000-000000000003'", ids: ['03'] },
      {
        name: 'an unquoted GUID (Edm.Guid literal)',
        filter: 'id eq e1a00000-0000-4000-8000-000000000011',
        ids: ['11'],
      },
      { name: 'in', filter: "givenName in ('megan', 'Seán')", ids: ['02', '11'] },
      { name: 'in with null', filter: "mail in (null, 'wanda@fabrikam.com')", ids: ['10', '12'] },
      { name: 'not with parentheses', filter: "not(userType eq 'Member')", ids: ['10'] },
      { name: 'not before a function', filter: "NOT startswith(displayName,'A')", ids: ['02', '11', '12'] },
      { name: 'and', filter: "startswith(givenName,'adele') and accountEnabled eq true", ids: ['10'] },
      { name: 'or', filter: "startswith(surname,'bow') or startswith(surname,'van')", ids: ['02', '03'] },
      { name: 'a doubled quote is one quote', filter: "startswith(surname,'O''Brien')", ids: ['11'] },
      { name: 'a doubled quote inside eq', filter: "displayName eq 'Seán O''Brien'", ids: ['11'] },
      { name: 'non-ASCII letters ignoring case', filter: "startswith(displayName,'SEÁN')", ids: ['11'] },
      {
        name: 'case-insensitive keywords',
        filter: "StartsWith(displayName,'w') OR accountEnabled EQ FALSE",
        ids: ['03', '12'],
      },
      {
        name: 'case-insensitive property names',
        filter: "AccountEnabled eq false and USERTYPE eq 'member'",
        ids: ['03'],
      },
      {
        name: 'arbitrary whitespace',
        filter: "  startswith ( displayName ,\t'meg' )\n or\r\n(  accountEnabled   eq   false )  ",
        ids: ['02', '03'],
      },
      {
        name: 'any with eq on a complex collection',
        filter: "identities/any(i:i/issuer eq 'contoso.com')",
        ids: ['02'],
      },
      {
        name: 'any with and inside the lambda',
        filter: "identities/any(c:c/issuer eq 'fabrikam.com' and c/signInType eq 'federated')",
        ids: ['03'],
      },
      {
        name: 'any with startswith on strings',
        filter: "proxyAddresses/any(x:startswith(x,'smtp:'))",
        ids: ['02', '03'],
      },
      {
        name: 'any with eq on strings, ignoring case',
        filter: "proxyAddresses/any(p:p eq 'smtp:ADELEV@contoso.com')",
        ids: ['03'],
      },
      { name: 'any without a predicate', filter: 'proxyAddresses/any()', ids: ['02', '03'] },
      {
        name: 'not before a lambda',
        filter: "NOT identities/any(i:i/issuer eq 'contoso.com')",
        ids: ['03', '10', '11', '12'],
      },
      {
        name: 'a missing collection matches no any',
        filter: "identities/any(i:i/issuer eq 'x') or surname eq 'nobody'",
        ids: [],
      },
    ];
    for (const { name, filter, ids } of cases) {
      it(`${name}: ${JSON.stringify(filter)}`, () => {
        assert.deepEqual(filtered(filter), ids);
      });
    }
  });

  describe('precedence: not > and > or, parentheses first', () => {
    it('binds and tighter than or', () => {
      const sut = parseFilter('a eq 1 or b eq 2 and c eq 3');
      assert.deepEqual(sut, {
        kind: 'or',
        operands: [
          { kind: 'compare', operator: 'eq', property: { segments: ['a'] }, value: 1 },
          {
            kind: 'and',
            operands: [
              { kind: 'compare', operator: 'eq', property: { segments: ['b'] }, value: 2 },
              { kind: 'compare', operator: 'eq', property: { segments: ['c'] }, value: 3 },
            ],
          },
        ],
      });
    });

    it('binds not to the next operand only', () => {
      const sut = parseFilter('not (a eq 1) and b eq 2');
      assert.deepEqual(sut, {
        kind: 'and',
        operands: [
          {
            kind: 'not',
            operand: { kind: 'compare', operator: 'eq', property: { segments: ['a'] }, value: 1 },
          },
          { kind: 'compare', operator: 'eq', property: { segments: ['b'] }, value: 2 },
        ],
      });
    });

    const cases: { filter: string; ids: string[] }[] = [
      // Adele Walker is a Guest: "or" first would keep Megan, "and" first drops her.
      {
        filter:
          "startswith(givenName,'megan') and userType eq 'Guest' or startswith(givenName,'adele') and accountEnabled eq true",
        ids: ['10'],
      },
      {
        filter: "startswith(givenName,'megan') and (userType eq 'Guest' or accountEnabled eq true)",
        ids: ['02'],
      },
      { filter: "not (accountEnabled eq true) or startswith(displayName,'meg')", ids: ['02', '03'] },
      { filter: "not (accountEnabled eq true or startswith(displayName,'meg'))", ids: ['03'] },
      { filter: 'not not (accountEnabled eq false)', ids: ['03'] },
    ];
    for (const { filter, ids } of cases) {
      it(`evaluates ${filter}`, () => {
        assert.deepEqual(filtered(filter), ids);
      });
    }
  });

  describe('filterProperties', () => {
    const cases: { filter: string; properties: string[] }[] = [
      {
        filter: "startswith(displayName,'a') or startswith(mail,'a') or displayName eq 'b'",
        properties: ['displayName', 'mail'],
      },
      {
        filter: "identities/any(i:i/issuer eq 'x' and i/issuerAssignedId eq 'y')",
        properties: ['identities/issuer', 'identities/issuerAssignedId'],
      },
      { filter: "proxyAddresses/any(x:startswith(x,'smtp:'))", properties: ['proxyAddresses'] },
      { filter: 'assignedLicenses/any()', properties: ['assignedLicenses'] },
      {
        filter: "not (userType in ('Guest')) and accountEnabled ne false",
        properties: ['userType', 'accountEnabled'],
      },
    ];
    for (const { filter, properties } of cases) {
      it(`names ${properties.join(', ')} for ${filter}`, () => {
        assert.deepEqual(filterProperties(parseFilter(filter)), properties);
      });
    }
  });

  describe('refuses malformed input with ODataSyntaxError', () => {
    const cases: { name: string; filter: string; message: RegExp }[] = [
      { name: 'empty', filter: '', message: /empty/ },
      { name: 'only whitespace', filter: '  \t ', message: /empty/ },
      {
        name: 'unterminated quote',
        filter: "startswith(displayName,'meg)",
        message: /unterminated string literal at position 28/,
      },
      {
        name: 'quote closed by a lone doubled quote',
        filter: "displayName eq 'O''",
        message: /unterminated/,
      },
      { name: 'missing closing parenthesis', filter: "(displayName eq 'x'", message: /Expected '\)'/ },
      {
        name: 'missing closing parenthesis of a function',
        filter: "startswith(displayName,'x'",
        message: /Expected '\)'/,
      },
      { name: 'extra closing parenthesis', filter: "displayName eq 'x')", message: /found '\)'/ },
      {
        name: 'unknown function',
        filter: "contains(displayName,'meg')",
        message: /unknown function with name 'contains'/,
      },
      {
        name: 'unknown function in a lambda',
        filter: "proxyAddresses/any(x:substringof('a',x))",
        message: /unknown function/,
      },
      {
        name: 'trailing tokens',
        filter: "displayName eq 'x' 'y'",
        message: /Expected end of filter but found a literal/,
      },
      { name: 'trailing word', filter: "displayName eq 'x' meg", message: /found 'meg'/ },
      { name: 'dangling and', filter: "displayName eq 'x' and", message: /filter ended/ },
      { name: 'missing operator', filter: "displayName 'x'", message: /Expected 'eq', 'ne', 'in'/ },
      { name: 'unquoted string', filter: 'userType eq Member', message: /Expected a literal value/ },
      {
        name: 'comparison of two properties',
        filter: 'mail eq userPrincipalName',
        message: /Expected a literal value/,
      },
      {
        name: 'literal on the left',
        filter: "'x' eq displayName",
        message: /Expected a property or a function/,
      },
      {
        name: 'startswith with a number',
        filter: 'startswith(displayName,1)',
        message: /expects a string literal/,
      },
      { name: 'empty in list', filter: 'userType in ()', message: /Expected a literal value/ },
      {
        name: 'not before a bare comparison',
        filter: "not displayName eq 'x'",
        message: /'not' must be followed/,
      },
      {
        name: 'all lambda',
        filter: "groupTypes/all(g:g eq 'Unified')",
        message: /'all' operator is not supported/,
      },
      {
        name: 'lambda body not using its variable',
        filter: "identities/any(i:issuer eq 'x')",
        message: /range variable 'i'/,
      },
      {
        name: 'unsupported operator',
        filter: 'employeeNumber gt 4',
        message: /Operator 'gt' is not supported/,
      },
      {
        name: 'invalid character',
        filter: "displayName eq 'a' & mail eq 'b'",
        message: /character '&' is not valid at position 19/,
      },
      {
        name: '$count segment',
        filter: 'assignedLicenses/$count eq 0',
        message: /character '\$' is not valid/,
      },
    ];
    for (const { name, filter, message } of cases) {
      it(`refuses ${name}: ${JSON.stringify(filter)}`, () => {
        assertSyntaxError(() => parseFilter(filter), message);
      });
    }
  });

  describe('hostile input fails fast', () => {
    const cases: { name: string; filter: string; message: RegExp }[] = [
      {
        name: 'a filter over the length cap',
        filter: `displayName eq '${'a'.repeat(MAX_QUERY_LENGTH)}'`,
        message: /longer than 4096/,
      },
      {
        name: 'deeply nested parentheses',
        filter: `${'('.repeat(100_000)}a eq 1${')'.repeat(100_000)}`,
        message: /longer than/,
      },
      {
        name: 'nesting just past the depth cap',
        filter: `${'('.repeat(MAX_NESTING_DEPTH + 1)}a eq 1${')'.repeat(MAX_NESTING_DEPTH + 1)}`,
        message: /nested more than 32/,
      },
      {
        name: 'a chain of not',
        filter: `${'not '.repeat(MAX_NESTING_DEPTH + 1)}(a eq 1)`,
        message: /nested more than 32/,
      },
      {
        name: 'nested lambdas',
        filter: `${'a/any(x:x/'.repeat(40)}b eq 1${')'.repeat(40)}`,
        message: /nested more than 32/,
      },
      {
        name: 'an unterminated quote at the end of a long filter',
        filter: `${"a eq 'x' or ".repeat(300)}b eq 'y`,
        message: /unterminated/,
      },
    ];
    for (const { name, filter, message } of cases) {
      // Speed is measured by bench/, not here; a parser that hangs or recurses without bound fails by timeout.
      it(`refuses ${name}`, () => {
        assertSyntaxError(() => parseFilter(filter), message);
      });
    }

    it('accepts nesting exactly at the depth cap', () => {
      const filter = `${'('.repeat(MAX_NESTING_DEPTH)}accountEnabled eq false${')'.repeat(MAX_NESTING_DEPTH)}`;
      assert.deepEqual(filtered(filter), ['03']);
    });

    it('accepts a long flat or-chain up to the length cap', () => {
      const clause = "startswith(displayName,'zz') or ";
      const filter = `${clause.repeat(Math.floor((MAX_QUERY_LENGTH - 40) / clause.length))}accountEnabled eq false`;
      assert.ok(filter.length <= MAX_QUERY_LENGTH);
      assert.deepEqual(filtered(filter), ['03']);
    });

    it('never reads inherited properties such as constructor', () => {
      assert.deepEqual(filtered('constructor ne null or __proto__ ne null or toString ne null'), []);
    });
  });

  it('evaluates one parsed startswith filter across 100,000 users', () => {
    const users = Array.from({ length: 100_000 }, (_, index) => ({
      id: `e1a00000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
      displayName: `${index % 10 === 0 ? 'Megan' : 'Adele'} User ${index}`,
    }));
    const sut = parseFilter("startswith(displayName,'meg')");
    const count = users.filter((user) => evaluateFilter(sut, user)).length;
    assert.equal(count, 10_000);
  });
});

describe('OData $search of the simulated tenant', () => {
  describe('matches clauses as Graph does on directory objects', () => {
    const cases: { name: string; search: string; ids: string[] }[] = [
      { name: 'a word prefix in displayName', search: '"displayName:wa"', ids: ['10', '12'] },
      { name: 'the first word too', search: '"displayName:meg"', ids: ['02'] },
      { name: 'ignoring case', search: '"DisplayName:ADELE"', ids: ['03', '10'] },
      { name: 'no match inside a word', search: '"displayName:ance"', ids: [] },
      { name: 'every searched word, in any order', search: '"displayName:walker ad"', ids: ['10'] },
      { name: 'a camel-case word split', search: '"displayName:world"', ids: ['12'] },
      { name: 'words joined across a symbol', search: '"displayName:helloworldops"', ids: ['12'] },
      { name: 'digits as their own word', search: '"displayName:2024"', ids: ['12'] },
      { name: 'an apostrophe splitting words', search: '"displayName:brien"', ids: ['11'] },
      { name: 'description tokenized', search: '"description:drive"', ids: ['12'] },
      { name: 'mail by startswith, not by word', search: '"mail:meganb"', ids: ['02'] },
      { name: 'mail refusing a later word', search: '"mail:contoso"', ids: [] },
      { name: 'userPrincipalName by startswith', search: '"userPrincipalName:adele.walker"', ids: ['10'] },
      { name: 'a string collection by startswith', search: '"proxyAddresses:smtp:megan@"', ids: ['02'] },
      { name: 'OR', search: '"displayName:wa" OR "displayName:ad"', ids: ['03', '10', '12'] },
      { name: 'AND', search: '"displayName:ad" AND "mail:adelev"', ids: ['03'] },
      { name: 'clauses side by side as AND', search: '"displayName:ad" "displayName:walker"', ids: ['10'] },
      { name: 'NOT', search: '"displayName:ad" AND NOT "displayName:vance"', ids: ['10'] },
      {
        name: 'parentheses',
        search: '"givenName:adele" AND ("surname:vance" OR "surname:bowen")',
        ids: ['03'],
      },
      {
        name: 'AND before OR',
        search: '"surname:bowen" OR "givenName:adele" AND "surname:walker"',
        ids: ['02', '10'],
      },
      { name: 'a clause without property over the default properties', search: '"wanda"', ids: ['12'] },
      { name: 'a clause without property, by surname', search: '"walk"', ids: ['10'] },
      { name: 'a clause without property, by mail', search: '"sobrien"', ids: ['11'] },
      { name: 'an escaped quote', search: '"surname:o\\"b"', ids: [] },
      { name: 'an unknown property matching nothing', search: '"jobTitle:x"', ids: [] },
    ];
    for (const { name, search, ids } of cases) {
      it(`${name}: ${search}`, () => {
        assert.deepEqual(searched(search), ids);
      });
    }
  });

  describe('tokenizes like Graph (search-query-parameter.md)', () => {
    const cases: { text: string; words: string[] }[] = [
      { text: 'hello world', words: ['hello', 'world'] },
      { text: 'HelloWorld', words: ['hello', 'world'] },
      { text: 'helloWORLD', words: ['hello', 'world'] },
      { text: 'HELLOworld', words: ['helloworld'] },
      { text: 'HelloWORld', words: ['hello', 'world'] },
      { text: 'hello.world', words: ['hello', 'world', 'helloworld'] },
      { text: 'hello123world', words: ['hello', '123', 'world'] },
      { text: '李四(David Li)', words: ['李四', 'david', '李四david', 'li'] },
      { text: '  ', words: [] },
    ];
    for (const { text, words } of cases) {
      it(`splits ${JSON.stringify(text)} into ${words.join(', ') || 'nothing'}`, () => {
        assert.deepEqual(tokenize(text, true), words);
      });
    }

    it('does not join searched words across symbols', () => {
      assert.deepEqual(tokenize('hello.world', false), ['hello', 'world']);
    });
  });

  it('names the searched properties', () => {
    const sut = parseSearch('"displayName:a" OR ("mail:b" AND NOT "displayName:c") OR "plain"');
    assert.deepEqual(searchProperties(sut), ['displayName', 'mail']);
  });

  describe('refuses malformed input with ODataSyntaxError', () => {
    const cases: { name: string; search: string; message: RegExp }[] = [
      {
        name: 'a clause without quotes, as Graph words it',
        search: 'displayName:meg',
        message: /^Syntax error: character ':' is not valid at position 11 in 'displayName:meg'\.$/,
      },
      { name: 'a bare word', search: 'meg', message: /'meg' must be in double quotes/ },
      {
        name: 'a lower-case operator',
        search: '"displayName:a" or "displayName:b"',
        message: /'or' must be in double quotes/,
      },
      {
        name: 'an unterminated quote',
        search: '"displayName:',
        message: /unterminated string literal at position 13/,
      },
      { name: 'an empty value', search: '', message: /empty/ },
      { name: 'an empty clause', search: '""', message: /no text to search/ },
      {
        name: 'a clause with no text after the property',
        search: '"displayName:  "',
        message: /no text to search/,
      },
      { name: 'a dangling operator', search: '"displayName:a" AND', message: /ended unexpectedly/ },
      { name: 'an operator first', search: 'OR "displayName:a"', message: /unexpected 'OR'/ },
      { name: 'an unbalanced parenthesis', search: '("displayName:a"', message: /ended unexpectedly/ },
      { name: 'an extra parenthesis', search: '"displayName:a")', message: /unexpected '\)'/ },
      { name: 'an unknown escape', search: '"displayName:a\\b"', message: /invalid escape/ },
      {
        name: 'a search over the length cap',
        search: `"displayName:${'a'.repeat(MAX_QUERY_LENGTH)}"`,
        message: /longer than 4096/,
      },
      {
        name: 'nesting past the depth cap',
        search: `${'('.repeat(MAX_NESTING_DEPTH + 1)}"a"${')'.repeat(MAX_NESTING_DEPTH + 1)}`,
        message: /nested more than 32/,
      },
      { name: 'a chain of NOT', search: `${'NOT '.repeat(1000)}"a"`, message: /nested more than 32/ },
    ];
    for (const { name, search, message } of cases) {
      it(`refuses ${name}`, () => {
        assertSyntaxError(() => parseSearch(search), message);
      });
    }
  });
});
