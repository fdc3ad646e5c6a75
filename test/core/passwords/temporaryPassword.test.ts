import assert from 'node:assert/strict';
import { entraPasswordProblems } from '../../../core/passwords/entraPasswordRules';
import { PASSWORD_ALPHABETS, generateTemporaryPassword } from '../../../core/passwords/temporaryPassword';

const DRAWS = 10_000;
const LENGTH = 16;
const LOOK_ALIKES = ['0', 'O', 'o', '1', 'l', 'I', '|'];
const HARD_TO_TYPE = ['"', "'", '`', '\\', ' '];

describe('generateTemporaryPassword', () => {
  let draws: string[];

  before(() => {
    draws = Array.from({ length: DRAWS }, () => generateTemporaryPassword());
  });

  it(`produces ${DRAWS.toLocaleString('en')} passwords that all meet Entra's rules`, () => {
    const invalid = draws.filter((password) => entraPasswordProblems(password).length > 0);
    assert.equal(invalid.length, 0);
  });

  it('is always 16 characters long', () => {
    assert.ok(draws.every((password) => password.length === LENGTH));
  });

  it('always contains a lower-case letter, an upper-case letter, a digit and a symbol', () => {
    for (const alphabet of Object.values(PASSWORD_ALPHABETS)) {
      const missing = draws.filter((password) => ![...password].some((c) => alphabet.includes(c)));
      assert.equal(missing.length, 0, `some passwords lack one of ${alphabet}`);
    }
  });

  it('never uses look-alike or hard-to-type characters', () => {
    const banned = [...LOOK_ALIKES, ...HARD_TO_TYPE];
    assert.ok(draws.every((password) => ![...password].some((c) => banned.includes(c))));
  });

  it('never repeats a password in 10,000 draws', () => {
    assert.equal(new Set(draws).size, DRAWS);
  });

  it('draws every character about as often as it should (chi-square far below a flaky bound)', () => {
    // Each password has one forced character of each set (uniform within the set) and 12 drawn from all 64,
    // so character x of set S is expected 1/|S| + 12/64 times per password.
    const all = Object.values(PASSWORD_ALPHABETS).join('');
    const counts = new Map<string, number>([...all].map((c) => [c, 0]));
    for (const password of draws) {
      for (const c of password) {
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    let chiSquare = 0;
    for (const alphabet of Object.values(PASSWORD_ALPHABETS)) {
      const expected = DRAWS * (1 / alphabet.length + (LENGTH - 4) / all.length);
      for (const c of alphabet) {
        chiSquare += ((counts.get(c) ?? 0) - expected) ** 2 / expected;
      }
    }
    // 63 degrees of freedom: mean 63, sd about 11; 200 is beyond any honest draw (p < 1e-15) yet a character
    // never drawn, or one drawn twice as often as it should, pushes it far past.
    assert.ok(chiSquare < 200, `chi-square ${chiSquare.toFixed(1)}`);
  });

  it('puts the guaranteed characters at unpredictable positions', () => {
    // Without the shuffle, the first four positions would always hold one of each set.
    const symbols = PASSWORD_ALPHABETS.symbols;
    const expectedShare = (1 / LENGTH) * 1 + ((LENGTH - 4) / LENGTH) * (symbols.length / 64);
    for (let position = 0; position < LENGTH; position++) {
      const share = draws.filter((password) => symbols.includes(password[position])).length / DRAWS;
      assert.ok(
        Math.abs(share - expectedShare) < 0.04,
        `position ${position}: symbol share ${share.toFixed(3)}`,
      );
    }
  });
});

describe('entraPasswordProblems', () => {
  const cases: [string, string, RegExp | null][] = [
    ['a valid password', 'Abcdef1!', null],
    ['three classes without symbols', 'Abcdefg1', null],
    ['three classes without digits', 'Abcdefg!', null],
    ['a space among allowed characters', 'Abc def 1', null],
    ['every allowed symbol', `Aa1@#$%^&*-_!+=[]{}|\\:',.?/\`~"();<>`, null],
    ['too short', 'Ab1!xyz', /shorter than 8/],
    ['too long', `Ab1!${'x'.repeat(253)}`, /longer than 256/],
    ['only two classes', 'abcdefg1', /three of/],
    ['Unicode letters', 'Abcdéfg1!', /characters Entra does not allow/],
    ['an emoji', 'Abcdefg1😀', /characters Entra does not allow/],
    ['a control character', 'Abcdefg1\u0007', /characters Entra does not allow/],
  ];
  for (const [name, password, problem] of cases) {
    it(`${problem ? 'flags' : 'accepts'} ${name}`, () => {
      const problems = entraPasswordProblems(password);
      if (problem === null) {
        assert.deepEqual(problems, []);
      } else {
        assert.ok(
          problems.some((p) => problem.test(p)),
          JSON.stringify(problems),
        );
      }
    });
  }

  it('accepts exactly 256 characters', () => {
    assert.deepEqual(entraPasswordProblems(`Ab1!${'x'.repeat(252)}`), []);
  });

  it('never quotes the password in a problem', () => {
    const password = 'Zz9é';
    assert.ok(entraPasswordProblems(password).every((p) => !p.includes('Zz9') && !p.includes('é')));
  });
});
