/** The parser's position in a statement's tokens, and the words that never serve as an alias. */
import { SqlError } from './errors.ts';
import { isName, isWord, type Token } from './lexer.ts';

/** Words that end an expression or a select item: never taken as an alias. */
export const RESERVED = new Set(
  (
    'all and as asc between by case cast cross current_date current_time current_timestamp desc distinct else end escape ' +
    'except exists false fetch first for from full group having in inner intersect is join last left like limit ' +
    'localtime localtimestamp natural not null nulls offset on or order outer right rows row select then true union ' +
    'using values when where with window only next'
  ).split(' '),
);

export class Cursor {
  i = 0;
  constructor(readonly tokens: readonly Token[]) {}

  get peek(): Token {
    return this.tokens[this.i]!;
  }
  at(offset: number): Token | undefined {
    return this.tokens[this.i + offset];
  }
  next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  word(w: string): boolean {
    if (isWord(this.peek, w)) {
      this.i++;
      return true;
    }
    return false;
  }
  punct(p: string): boolean {
    if (this.peek.kind === 'punct' && this.peek.value === p) {
      this.i++;
      return true;
    }
    return false;
  }
  expectWord(w: string): void {
    if (!this.word(w)) throw this.unexpected(`'${w.toUpperCase()}'`);
  }
  expectPunct(p: string): void {
    if (!this.punct(p)) throw this.unexpected(`'${p}'`);
  }
  name(): string {
    if (!isName(this.peek)) throw this.unexpected('a name');
    return this.next().value;
  }
  /** a.b.c */
  qualifiedName(): { parts: string[]; pos: Token['pos'] } {
    const pos = this.peek.pos;
    const parts = [this.name()];
    while (this.peek.kind === 'punct' && this.peek.value === '.' && isName(this.at(1))) {
      this.i++;
      parts.push(this.name());
    }
    return { parts, pos };
  }
  atEnd(): boolean {
    while (this.peek.kind === 'punct' && this.peek.value === ';') this.i++;
    return this.peek.kind === 'eof';
  }
  expectEnd(): void {
    if (!this.atEnd()) throw this.unexpected('the end of the statement');
  }
  unexpected(expected: string): SqlError {
    const t = this.peek;
    const found = t.kind === 'eof' ? '<EOF>' : t.kind === 'string' ? `'${t.value}'` : t.value;
    return new SqlError('SYNTAX_ERROR', `mismatched input '${found}'. Expecting: ${expected}`, t.pos);
  }
}

/** A non-negative integer literal (LIMIT, OFFSET, FETCH, a precision), refused past 2^53. */
export function unsignedInteger(c: Cursor, what: string): number {
  const t = c.peek;
  if (t.kind !== 'number' || !/^\d+$/.test(t.value)) throw c.unexpected(`an integer ${what}`);
  c.next();
  const n = Number(t.value);
  if (!Number.isSafeInteger(n))
    throw new SqlError('INVALID_LITERAL', `${what} ${t.value} is too large`, t.pos);
  return n;
}
