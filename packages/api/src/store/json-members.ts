// Where named members of a JSON object lie in its text, found without parsing the rest. Rescoring
// replaces three members of every row's meta: splicing new values into the stored text costs a fraction
// of parsing and re-serialising the whole document, in JavaScript or in SQLite's JSON functions.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Finds the values of `names` among the members of the object whose text starts at `from` (whitespace
 * allowed before it). spans[2k] and spans[2k + 1] become the start and end of names[k]'s value text, or
 * -1 when the object has no such member. Returns the index just past the object's closing brace, or -1
 * when the text there is not an object this can read without a parser: a name written twice, or a
 * member name with an escape (it could spell a wanted name). The text is trusted to be valid JSON (the
 * stores write it); a caller that must be sure parses what it finds.
 */
export function findMembers(text: string, from: number, names: readonly string[], spans: Int32Array): number {
  spans.fill(-1);
  let at = skipSpace(text, from);
  if (at >= text.length || text.charCodeAt(at) !== OPEN_OBJECT) return -1;
  at = skipSpace(text, at + 1);
  if (at < text.length && text.charCodeAt(at) === CLOSE_OBJECT) return at + 1;
  for (;;) {
    if (at >= text.length || text.charCodeAt(at) !== QUOTE) return -1;
    const nameEnd = stringEnd(text, at);
    if (nameEnd < 0) return -1;
    const name = nameIndex(text, at + 1, nameEnd - 1, names);
    if (name === ESCAPED) return -1;
    at = skipSpace(text, nameEnd);
    if (at >= text.length || text.charCodeAt(at) !== COLON) return -1;
    const start = skipSpace(text, at + 1);
    if (start >= text.length) return -1;
    const end = valueEnd(text, start);
    if (end < 0) return -1;
    if (name >= 0) {
      if (spans[name * 2] !== -1) return -1;
      spans[name * 2] = start;
      spans[name * 2 + 1] = end;
    }
    at = skipSpace(text, end);
    if (at >= text.length) return -1;
    const next = text.charCodeAt(at);
    if (next === CLOSE_OBJECT) return at + 1;
    if (next !== COMMA) return -1;
    at = skipSpace(text, at + 1);
  }
}

/** True when nothing but whitespace follows `from`. */
export function onlySpaceAfter(text: string, from: number): boolean {
  return skipSpace(text, from) === text.length;
}

const ESCAPED = -2;

/** Which of `names` the member name text[start, end) is; -1 for none, ESCAPED when it has an escape. */
function nameIndex(text: string, start: number, end: number, names: readonly string[]): number {
  const length = end - start;
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index]!;
    if (name.length === length && text.startsWith(name, start)) return index;
  }
  const slash = text.indexOf('\\', start);
  return slash !== -1 && slash < end ? ESCAPED : -1;
}

function skipSpace(text: string, at: number): number {
  // Bounded explicitly: reading past the end deoptimises the whole scan.
  while (at < text.length && isSpace(text.charCodeAt(at))) at += 1;
  return at;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Index just past the string whose opening quote is at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  while (quote !== -1) {
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes += 1; // stops at the opening quote
    if (slashes % 2 === 0) return quote + 1;
    quote = text.indexOf('"', quote + 1);
  }
  return -1;
}

/** Index just past the value that starts at `start`, or -1. */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let at = start; at < text.length; at += 1) {
      const code = text.charCodeAt(at);
      if (code === QUOTE) {
        const end = stringEnd(text, at);
        if (end < 0) return -1;
        at = end - 1;
      } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) depth += 1;
      else if ((code === CLOSE_OBJECT || code === CLOSE_ARRAY) && --depth === 0) return at + 1;
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let at = start;
  for (; at < text.length; at += 1) {
    const code = text.charCodeAt(at);
    if (code === COMMA || code === CLOSE_OBJECT || code === CLOSE_ARRAY || isSpace(code)) break;
  }
  return at > start ? at : -1;
}
