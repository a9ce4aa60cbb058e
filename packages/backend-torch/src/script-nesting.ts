/**
 * The deepest nesting TorchScript source may have. libtorch's parser and compiler recurse over
 * the source's nesting, and a deep enough one overflows the thread's stack and kills the
 * process: 6,000 nested parentheses, or 5,000 nested calls, lists or `if` blocks, or an
 * expression chaining 20,000 operators, with an 8 MiB stack. Pool threads have 64 MiB, which
 * puts the crash several tens of thousands of levels deep, far above this limit.
 */
export const MAX_SCRIPT_NESTING = 256;

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);
/** Keywords that nest an expression one level (`not a`, `a and b`, `a if c else b`, ...). */
const KEYWORD_OPERATORS = new Set(['not', 'and', 'or', 'if', 'else', 'in', 'is', 'lambda', 'await']);
/** Keywords that start a statement: a bracket after them opens an expression, it calls nothing. */
const STATEMENT_KEYWORDS = new Set([
  'return', 'elif', 'while', 'for', 'assert', 'raise', 'del', 'yield', 'with', 'as', 'from', 'import',
  'global', 'nonlocal', 'pass', 'break', 'continue', 'def', 'class',
]); // prettier-ignore
/** Operators, longest first, so that `**=` is one token rather than `*`, `*`, `=`. */
const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '->', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', ':=',
  '+=', '-=', '*=', '/=', '%=', '@=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '@', '&', '|', '^', '~', '<', '>', '=', '.',
]; // prettier-ignore

/**
 * How deeply `source` nests, measured without parsing it and never below what the parser's
 * recursion reaches: at each token, the indentation level of its line, plus the brackets open
 * around it, plus the operators, calls and subscripts chained before it within each of those
 * brackets (`a + b + c` nests as deeply as `((a + b) + c)`, `f(x)[0].y` three levels; the call
 * in `x.f(y)` counts with its `.`). A comma or colon starts a new chain. Strings and comments
 * count nothing. For code as people and libtorch's printer write it this stays within a small
 * factor of the depth libtorch's parser and compiler recurse to.
 */
export function scriptNesting(source: string): number {
  const indents = [0];
  // One chain counter per open bracket, the first for the line itself.
  const chains = [0];
  let chained = 0; // the sum of `chains`
  let max = 0;
  let lineStart = true;
  let afterOperand = false; // the last token ends an operand, so `(` or `[` calls or subscripts it
  let afterDot = false; // the last token is `.`
  let attribute = false; // the last token is a name after `.`, whose `.` already counted the call
  const n = source.length;
  let i = 0;

  const count = (): void => {
    chains[chains.length - 1]!++;
    chained++;
    max = Math.max(max, indents.length - 1 + chains.length - 1 + chained);
  };

  while (i < n) {
    const c = source[i]!;
    if (lineStart) {
      // Indentation of a logical line outside brackets; blank and comment lines do not count.
      let width = 0;
      while (i < n && (source[i] === ' ' || source[i] === '\t' || source[i] === '\f')) {
        width = source[i] === '\t' ? (Math.floor(width / 8) + 1) * 8 : width + 1;
        i++;
      }
      if (i >= n || source[i] === '\n' || source[i] === '\r' || source[i] === '#') {
        lineStart = i < n && source[i] !== '#';
        if (lineStart) i++;
        continue;
      }
      lineStart = false;
      if (width > indents[indents.length - 1]!) indents.push(width);
      while (indents.length > 1 && width < indents[indents.length - 1]!) indents.pop();
      max = Math.max(max, indents.length - 1);
      continue;
    }
    if (c === '\n' || c === '\r') {
      i++;
      if (chains.length === 1) {
        lineStart = true;
        chained = 0;
        chains[0] = 0;
        afterOperand = false;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && source[i] !== '\n' && source[i] !== '\r') i++;
      continue;
    }
    if (c === '\\' && (source[i + 1] === '\n' || source[i + 1] === '\r')) {
      i += source[i + 1] === '\r' && source[i + 2] === '\n' ? 3 : 2; // a continued line
      continue;
    }
    if (c === '"' || c === "'") {
      i = skipString(source, i);
      afterOperand = true;
      afterDot = attribute = false;
      continue;
    }
    if (isNameStart(source.charCodeAt(i))) {
      let j = i + 1;
      while (j < n && (isNameStart(source.charCodeAt(j)) || isDigit(source.charCodeAt(j)))) j++;
      const word = source.slice(i, j);
      if ((source[j] === '"' || source[j] === "'") && /^[rRbBuUfF]{1,2}$/.test(word)) {
        i = skipString(source, j); // a prefixed string literal
        afterOperand = true;
        afterDot = attribute = false;
        continue;
      }
      i = j;
      const wasDot = afterDot;
      afterDot = false;
      if (KEYWORD_OPERATORS.has(word) && !wasDot) {
        count();
        afterOperand = false;
        attribute = false;
      } else {
        afterOperand = wasDot || !STATEMENT_KEYWORDS.has(word);
        attribute = wasDot;
      }
      continue;
    }
    if (isDigit(source.charCodeAt(i)) || (c === '.' && isDigit(source.charCodeAt(i + 1)))) {
      // A number, exponent sign included (1e-5).
      i++;
      while (i < n) {
        const d = source.charCodeAt(i);
        const sign = (d === 0x2b || d === 0x2d) && (source[i - 1] === 'e' || source[i - 1] === 'E');
        if (!(isDigit(d) || isNameStart(d) || d === 0x2e || sign)) break;
        i++;
      }
      afterOperand = true;
      afterDot = attribute = false;
      continue;
    }
    const callsAttribute = attribute;
    afterDot = false;
    attribute = false;
    if (OPEN.has(c)) {
      if (afterOperand && !callsAttribute) count(); // a call or subscript of what precedes it
      chains.push(0);
      max = Math.max(max, indents.length - 1 + chains.length - 1 + chained);
      afterOperand = false;
      i++;
      continue;
    }
    if (CLOSE.has(c)) {
      if (chains.length > 1) chained -= chains.pop()!;
      afterOperand = true;
      i++;
      continue;
    }
    if (c === ',' || c === ':' || c === ';') {
      chained -= chains[chains.length - 1]!;
      chains[chains.length - 1] = 0;
      afterOperand = false;
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    i += op?.length ?? 1;
    if (op !== undefined) count();
    afterOperand = false;
    afterDot = op === '.';
  }
  return max;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** A letter, `_`, or any non-ASCII character (TorchScript's lexer takes those into names). */
function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code >= 0x80;
}

/** Index just past the string literal whose opening quote is at `i` (or the end, unterminated). */
function skipString(source: string, i: number): number {
  const quote = source[i]!;
  const triple = source.startsWith(quote.repeat(3), i);
  const close = triple ? quote.repeat(3) : quote;
  let j = i + close.length;
  while (j < source.length) {
    const c = source[j]!;
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (!triple && (c === '\n' || c === '\r')) return j;
    if (source.startsWith(close, j)) return j + close.length;
    j++;
  }
  return j;
}

/** Refuses source nested deeper than MAX_SCRIPT_NESTING, before libtorch parses it. */
export function checkScriptNesting(source: string, what = 'script'): void {
  const depth = scriptNesting(source);
  if (depth > MAX_SCRIPT_NESTING) throw new Error(`${what} nesting depth ${depth} exceeds the limit of ${MAX_SCRIPT_NESTING}`);
}
