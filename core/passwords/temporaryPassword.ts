import { randomInt } from 'node:crypto';

/**
 * Character sets of the temporary password. Look-alikes are left out (0 O o, 1 l I |), and so are symbols that
 * are hard to read or type, or that mean something where the password is shown: quotes, backtick, backslash
 * and space; `*` `_` `~` (markdown in Teams); `&` `<` `>` (HTML entities); `^` (a dead key on many keyboards);
 * brackets, `,` `.` `;` `:` `/` (easy to misread or miss). Every character is on Entra's allowed list.
 * Four sets of 24 + 24 + 8 + 8 = 64 characters: 6 bits per random position.
 */
export const PASSWORD_ALPHABETS = {
  lower: 'abcdefghijkmnpqrstuvwxyz',
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  digits: '23456789',
  symbols: '!#$%+=?@',
} as const;

export const TEMPORARY_PASSWORD_LENGTH = 16;

const ALL_CHARACTERS = Object.values(PASSWORD_ALPHABETS).join('');

/**
 * A 16-character temporary password from `crypto.randomInt` only: one character of each set (so Entra's
 * three-of-four rule holds by construction), the rest from all sets, then a Fisher-Yates shuffle so the
 * guaranteed characters are not at predictable positions.
 */
export function generateTemporaryPassword(): string {
  const characters = Object.values(PASSWORD_ALPHABETS).map(pick);
  while (characters.length < TEMPORARY_PASSWORD_LENGTH) {
    characters.push(pick(ALL_CHARACTERS));
  }
  for (let i = characters.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [characters[i], characters[j]] = [characters[j], characters[i]];
  }
  return characters.join('');
}

/** `randomInt` draws without modulo bias. */
function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)];
}
