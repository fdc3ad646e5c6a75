type CharacterClass = 'space' | 'lower' | 'upper' | 'uncased' | 'digit' | 'symbol';

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const SPACE = /\s/u;

function classify(char: string): CharacterClass {
  const code = char.charCodeAt(0);
  if (code < 0x80) {
    if (code >= 0x61 && code <= 0x7a) return 'lower';
    if (code >= 0x41 && code <= 0x5a) return 'upper';
    if (code >= 0x30 && code <= 0x39) return 'digit';
    return code === 0x20 || (code >= 0x09 && code <= 0x0d) ? 'space' : 'symbol';
  }
  if (LETTER.test(char)) {
    const lower = char.toLowerCase();
    if (lower === char.toUpperCase()) return 'uncased';
    return char === lower ? 'lower' : 'upper';
  }
  if (DIGIT.test(char)) return 'digit';
  return SPACE.test(char) ? 'space' : 'symbol';
}

/**
 * Graph's directory search tokenization (search-query-parameter.md): words split at spaces, symbols, letter ↔
 * digit changes and lower → upper case changes (`HelloWorld` → hello, world; `HELLOworld` stays one word),
 * lower-cased. With `joinAcrossSymbols`, words separated only by symbols are also joined (`hello.world` adds
 * `helloworld`), so that searching `helloworld` finds `hello-world`. Symbols themselves are dropped rather than
 * kept as tokens: a search word is only ever matched as a prefix, so a lone symbol token would match nothing
 * useful.
 */
export function tokenize(text: string, joinAcrossSymbols: boolean): string[] {
  const words: string[] = [];
  let word = '';
  let previous: CharacterClass = 'space';
  let chunkStart = 0;
  let chunkHasSymbolGap = false;
  const endWord = (): void => {
    if (word !== '') words.push(word.toLowerCase());
    word = '';
  };
  const endChunk = (): void => {
    endWord();
    if (joinAcrossSymbols && chunkHasSymbolGap && words.length - chunkStart > 1) {
      words.push(words.slice(chunkStart).join(''));
    }
    chunkStart = words.length;
    chunkHasSymbolGap = false;
  };
  for (const char of text) {
    const kind = classify(char);
    if (kind === 'space') {
      endChunk();
    } else if (kind === 'symbol') {
      endWord();
      if (words.length > chunkStart) chunkHasSymbolGap = true;
    } else {
      const splits =
        (kind === 'digit') !== (previous === 'digit') ||
        (kind === 'uncased') !== (previous === 'uncased') ||
        (previous === 'lower' && kind === 'upper');
      if (splits) endWord();
      word += char;
    }
    previous = kind;
  }
  endChunk();
  return words;
}
