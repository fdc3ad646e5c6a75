/**
 * Entra's cloud password rules (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy):
 * 8 to 256 characters, three of the four character classes, and only these characters. The banned-password
 * check is Entra's own and cannot be reproduced here.
 */

export const ENTRA_SYMBOLS = '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<>';
const MIN_LENGTH = 8;
const MAX_LENGTH = 256;

const CLASSES: { name: string; test: (character: string) => boolean }[] = [
  { name: 'lower-case letters', test: (c) => c >= 'a' && c <= 'z' },
  { name: 'upper-case letters', test: (c) => c >= 'A' && c <= 'Z' },
  { name: 'digits', test: (c) => c >= '0' && c <= '9' },
  { name: 'symbols', test: (c) => ENTRA_SYMBOLS.includes(c) },
];

/**
 * What is wrong with a password by Entra's rules; empty when nothing is. The problems never quote the
 * password or any character of it.
 */
export function entraPasswordProblems(password: string): string[] {
  const problems: string[] = [];
  const characters = [...password];
  if (characters.length < MIN_LENGTH) {
    problems.push(`shorter than ${MIN_LENGTH} characters`);
  }
  if (characters.length > MAX_LENGTH) {
    problems.push(`longer than ${MAX_LENGTH} characters`);
  }
  if (characters.some((c) => c !== ' ' && !CLASSES.some((kind) => kind.test(c)))) {
    problems.push('contains characters Entra does not allow (only A-Z, a-z, 0-9, space and listed symbols)');
  }
  const classesPresent = CLASSES.filter((kind) => characters.some((c) => kind.test(c)));
  if (classesPresent.length < 3) {
    problems.push('needs three of: lower-case letters, upper-case letters, digits, symbols');
  }
  return problems;
}
