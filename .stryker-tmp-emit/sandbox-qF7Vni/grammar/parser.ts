/**
 * The KPI language grammar: rules only, no actions (meaning lives in src/lang/build-ast.ts).
 * One parser instance is reused for every input (`parser.input = tokens` resets it).
 *
 *   program     := (kpiDecl | rollupDecl)*
 *   kpiDecl     := 'kpi' name string? ('=' expression ';'? | '{' (letDecl | property)* '}')
 *   rollupDecl  := 'rollup' name 'on' qualifiedName '{' property* '}'
 *   letDecl     := 'let' name '=' expression ';'?
 *   property    := name ':' expression (',' expression)* ';'?
 */
// @ts-nocheck

import { CstParser, type ILookaheadStrategy, type IToken } from 'chevrotain';
import { LazyLookaheadStrategy } from './lazy-lookahead.ts';
import * as T from './tokens.ts';
import { SKIP_GRAMMAR_VALIDATIONS } from './validations.ts';

export class KpiParser extends CstParser {
  /** `lookahead`: the lazy LL(3) strategy; tests pass Chevrotain's stock one to compare. */
  constructor(lookahead: ILookaheadStrategy = new LazyLookaheadStrategy({ maxLookahead: 3 })) {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      // Each decision's lookahead is built when the parser first reaches it (lazy-lookahead.ts).
      lookaheadStrategy: lookahead,
      nodeLocationTracking: 'full',
      skipValidations: SKIP_GRAMMAR_VALIDATIONS,
    });
    this.performSelfAnalysis();
  }

  program = this.RULE('program', () => {
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.kpiDecl) }, { ALT: () => this.SUBRULE(this.rollupDecl) }]);
    });
  });

  kpiDecl = this.RULE('kpiDecl', () => {
    this.CONSUME(T.Kpi);
    this.SUBRULE(this.name);
    this.OPTION(() => this.SUBRULE(this.text));
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expression);
          this.OPTION2(() => this.CONSUME(T.Semicolon));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LCurly);
          this.MANY(() => {
            this.OR2([{ ALT: () => this.SUBRULE(this.letDecl) }, { ALT: () => this.SUBRULE(this.property) }]);
          });
          this.CONSUME(T.RCurly);
        },
      },
    ]);
  });

  rollupDecl = this.RULE('rollupDecl', () => {
    this.CONSUME(T.Rollup);
    this.SUBRULE(this.name);
    this.CONSUME(T.On);
    this.SUBRULE(this.qualifiedName);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.property));
    this.CONSUME(T.RCurly);
  });

  letDecl = this.RULE('letDecl', () => {
    this.CONSUME(T.Let);
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  property = this.RULE('property', () => {
    this.SUBRULE(this.name);
    this.CONSUME(T.Colon);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  name = this.RULE('name', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.QuotedIdentifier) }]);
  });

  text = this.RULE('text', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.DoubleQuotedString) },
    ]);
  });

  qualifiedName = this.RULE('qualifiedName', () => {
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.name);
    });
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpression);
    });
  });

  andExpression = this.RULE('andExpression', () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpression);
    });
  });

  notExpression = this.RULE('notExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.SUBRULE(this.compareOperator);
            this.SUBRULE2(this.additive);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            this.OPTION2(() => this.CONSUME(T.Not));
            this.CONSUME(T.Null);
          },
        },
        {
          ALT: () => {
            this.OPTION3(() => this.CONSUME2(T.Not));
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.In);
                  this.CONSUME(T.LParen);
                  this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
                  this.CONSUME(T.RParen);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Between);
                  this.SUBRULE3(this.additive);
                  this.CONSUME(T.And);
                  this.SUBRULE4(this.additive);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Like);
                  this.SUBRULE5(this.additive);
                },
              },
            ]);
          },
        },
      ]);
    });
  });

  compareOperator = this.RULE('compareOperator', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Equals) },
      { ALT: () => this.CONSUME(T.NotEquals) },
      { ALT: () => this.CONSUME(T.LessEquals) },
      { ALT: () => this.CONSUME(T.GreaterEquals) },
      { ALT: () => this.CONSUME(T.Less) },
      { ALT: () => this.CONSUME(T.Greater) },
    ]);
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Slash) },
        { ALT: () => this.CONSUME(T.Percent) },
      ]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  /** Clauses that qualify an aggregate: its time column, its validity interval, its seed period. */
  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.On);
            this.SUBRULE(this.name);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Active);
            this.CONSUME(T.Between);
            this.SUBRULE2(this.name);
            this.CONSUME(T.And);
            this.SUBRULE3(this.name);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Within);
            this.SUBRULE(this.text);
          },
        },
      ]);
    });
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.numberOrDuration) },
      { ALT: () => this.SUBRULE(this.text) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.SUBRULE(this.caseExpression) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
    ]);
  });

  /** `7`, or `7 days` when a unit word follows the number. */
  numberOrDuration = this.RULE('numberOrDuration', () => {
    this.CONSUME(T.NumberLiteral);
    this.OPTION({
      GATE: () => isDurationUnit(this.LA(1)),
      DEF: () => this.CONSUME(T.Identifier),
    });
  });

  parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  caseExpression = this.RULE('caseExpression', () => {
    this.CONSUME(T.Case);
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      this.SUBRULE(this.expression);
      this.CONSUME(T.Then);
      this.SUBRULE2(this.expression);
    });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.SUBRULE3(this.expression);
    });
    this.CONSUME(T.End);
  });

  nameOrCall = this.RULE('nameOrCall', () => {
    this.SUBRULE(this.qualifiedName);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.callArguments));
      this.CONSUME(T.RParen);
    });
  });

  /** `*` or `distinct? expr, …`, then an optional `where` filter (aggregates only). */
  callArguments = this.RULE('callArguments', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Star) },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Distinct));
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
        },
      },
    ]);
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      this.SUBRULE2(this.expression);
    });
  });
}

function isDurationUnit(token: IToken): boolean {
  return token.tokenType === T.Identifier && Object.hasOwn(T.DURATION_UNITS, token.image.toLowerCase());
}

/** The one reused parser instance. */
export const parser = new KpiParser();
