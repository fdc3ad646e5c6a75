/**
 * Entra ID's cloud password rules (Microsoft Learn: concept-sspr-policy, concept-password-ban-bad):
 * 8–256 characters from an allowed set, three of four character classes, and the banned-password check
 * (normalise, find banned terms, score: one point per banned term found plus one per remaining character;
 * at least five points to pass). The global banned list of Entra is secret; a small stand-in list is used.
 */
const allowedSymbols = '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<> ';
const allowedCharacter = /^[A-Za-z0-9]$/;

const globalBannedTerms = [
  'password',
  'passw0rd',
  'welcome',
  'letmein',
  'qwerty',
  'admin',
  'summer',
  'winter',
  'spring',
  'autumn',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'sunshine',
  'abc123',
  '123456',
  'changeme',
];

const substitutions: Record<string, string> = { '0': 'o', '1': 'l', $: 's', '@': 'a' };

export interface PasswordContext {
  tenantName: string;
  givenName: string | null;
  surname: string | null;
  /** `passwordPolicies` contains DisableStrongPassword: complexity and banned checks are skipped. */
  strongPasswordDisabled: boolean;
}

export function isPasswordAcceptable(password: string, context: PasswordContext): boolean {
  if (password.length < 8 || password.length > 256) return false;
  if (![...password].every((c) => allowedCharacter.test(c) || allowedSymbols.includes(c))) return false;
  if (context.strongPasswordDisabled) return true;
  if (characterClasses(password) < 3) return false;
  return bannedPasswordScore(password, context) >= 5;
}

function characterClasses(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
}

function bannedPasswordScore(password: string, context: PasswordContext): number {
  const normalised = [...password.toLowerCase()].map((c) => substitutions[c] ?? c).join('');
  const personalTerms = [context.tenantName, context.givenName, context.surname]
    .filter((t): t is string => typeof t === 'string' && t.length >= 4)
    .map((t) => t.toLowerCase());
  const covered = new Array<boolean>(normalised.length).fill(false);
  let points = 0;
  for (const term of [...globalBannedTerms, ...personalTerms]) {
    let from = 0;
    for (;;) {
      const at = normalised.indexOf(term, from);
      if (at < 0) break;
      points += 1;
      for (let i = at; i < at + term.length; i++) covered[i] = true;
      from = at + term.length;
    }
  }
  return points + covered.filter((c) => !c).length;
}

/**
 * A system-generated temporary password in the shape of the documented examples (`Cuyo5459`): one upper-case
 * letter, three lower-case letters, four digits. Meets the three-of-four rule by construction.
 */
export function generateTemporaryPassword(randomInt: (max: number) => number): string {
  const consonants = 'bcdfghjklmnprstvwxz';
  const vowels = 'aeiou';
  const pick = (chars: string): string => chars[randomInt(chars.length)] ?? 'a';
  const word = pick(consonants).toUpperCase() + pick(vowels) + pick(consonants) + pick(vowels);
  const digits = Array.from({ length: 4 }, () => String(randomInt(10))).join('');
  return word + digits;
}
