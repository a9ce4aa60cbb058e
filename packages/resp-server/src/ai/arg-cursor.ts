import { isWord, parseStrictInt } from '../args.js';

/** A read position over a command's arguments, for keyword-driven grammars. */
export class ArgCursor {
  constructor(
    readonly argv: readonly Buffer[],
    public pos: number,
    /** One past the last argument this cursor may read. */
    readonly end = argv.length,
  ) {}

  // Methods rather than getters: they change as the cursor moves, which narrowing must not assume away.
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  peek(): Buffer | undefined {
    return this.pos < this.end ? this.argv[this.pos] : undefined;
  }

  /** Moves past the next argument if it is `word` (any case). */
  advanceIf(word: string): boolean {
    if (!isWord(this.peek(), word)) return false;
    this.pos++;
    return true;
  }

  next(): Buffer | undefined {
    return this.pos < this.end ? this.argv[this.pos++] : undefined;
  }

  /** The next argument as a whole number ≥ 0, or undefined (and the argument is still consumed). */
  nextCount(): number | undefined {
    const w = this.next();
    if (w === undefined) return undefined;
    const n = parseStrictInt(w);
    return n !== undefined && n >= 0 ? n : undefined;
  }

  /** The next `n` arguments. */
  take(n: number): Buffer[] {
    const out = this.argv.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
