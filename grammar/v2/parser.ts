/**
 * The KPI DSL grammar: rules only, no actions — meaning lives in src/lang/v2/build-ast.ts.
 * One parser instance is reused for every input (`parser.input = tokens` resets it).
 *
 *   program     := (kpiDecl | rollupDecl)*
 *   kpiDecl     := 'kpi' name string? ('=' expression ';'? | '{' kpiItem* '}')
 *   kpiItem     := ('measure' name '=' expression | property) ';'?
 *   rollupDecl  := 'rollup' name 'on' name ('.' name)* '{' (property ';'?)* '}'
 *   property    := name ':' expression (',' expression)*
 *   expression  := or > and > not > predicate (compare, IN, BETWEEN, IS NULL, LIKE) > + - > * / % > unary -
 *   reference   := name ('.' (name | '*'))* ('(' callArgs ')' aggClause*)?
 *   callArgs    := ('*' | 'distinct'? expression (',' expression)*)? ('where' expression)?
 *   aggClause   := 'active' 'between' additive 'and' additive | 'at' name | 'period' string
 */
import { CstParser, type IParserErrorMessageProvider } from 'chevrotain';
import * as T from './tokens.ts';

export class KpiGrammar extends CstParser {
  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'full',
      ...(errorMessageProvider ? { errorMessageProvider } : {}),
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
    this.OPTION(() => this.CONSUME(T.StringLiteral));
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
          this.MANY(() => this.SUBRULE(this.kpiItem));
          this.CONSUME(T.RCurly);
        },
      },
    ]);
  });

  kpiItem = this.RULE('kpiItem', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.measureDecl) }, { ALT: () => this.SUBRULE(this.property) }]);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  measureDecl = this.RULE('measureDecl', () => {
    this.CONSUME(T.Measure);
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  rollupDecl = this.RULE('rollupDecl', () => {
    this.CONSUME(T.Rollup);
    this.SUBRULE(this.name);
    this.CONSUME(T.On);
    this.SUBRULE2(this.name, { LABEL: 'table' });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE3(this.name, { LABEL: 'table' });
    });
    this.CONSUME(T.LCurly);
    this.MANY2(() => {
      this.SUBRULE(this.property);
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(T.RCurly);
  });

  property = this.RULE('property', () => {
    this.SUBRULE(this.name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
  });

  name = this.RULE('name', () => {
    this.CONSUME(T.Identifier);
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr);
    });
  });

  notExpr = this.RULE('notExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]);
  });

  predicate = this.RULE('predicate', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(T.Equals) },
              { ALT: () => this.CONSUME(T.NotEquals) },
              { ALT: () => this.CONSUME(T.Less) },
              { ALT: () => this.CONSUME(T.LessEquals) },
              { ALT: () => this.CONSUME(T.Greater) },
              { ALT: () => this.CONSUME(T.GreaterEquals) },
            ]);
            this.SUBRULE2(this.additive, { LABEL: 'right' });
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
            this.OR3([
              {
                ALT: () => {
                  this.CONSUME(T.In);
                  this.CONSUME(T.LParen);
                  this.SUBRULE(this.expression, { LABEL: 'values' });
                  this.MANY(() => {
                    this.CONSUME(T.Comma);
                    this.SUBRULE2(this.expression, { LABEL: 'values' });
                  });
                  this.CONSUME(T.RParen);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Between);
                  this.SUBRULE3(this.additive, { LABEL: 'low' });
                  this.CONSUME(T.And);
                  this.SUBRULE4(this.additive, { LABEL: 'high' });
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Like);
                  this.SUBRULE5(this.additive, { LABEL: 'pattern' });
                },
              },
            ]);
          },
        },
      ]);
    });
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
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  primary = this.RULE('primary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberLiteral);
          this.OPTION(() => this.CONSUME(T.DurationUnit));
        },
      },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.caseExpr) },
      { ALT: () => this.SUBRULE(this.reference) },
    ]);
  });

  caseExpr = this.RULE('caseExpr', () => {
    this.CONSUME(T.Case);
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      this.SUBRULE(this.expression, { LABEL: 'when' });
      this.CONSUME(T.Then);
      this.SUBRULE2(this.expression, { LABEL: 'then' });
    });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.SUBRULE3(this.expression, { LABEL: 'else' });
    });
    this.CONSUME(T.End);
  });

  reference = this.RULE('reference', () => {
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.OR([{ ALT: () => this.SUBRULE2(this.name) }, { ALT: () => this.CONSUME(T.Star) }]);
    });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.SUBRULE(this.callArgs);
      this.CONSUME(T.RParen);
      this.MANY2(() => this.SUBRULE(this.aggClause));
    });
  });

  callArgs = this.RULE('callArgs', () => {
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(T.Distinct));
            this.SUBRULE(this.expression);
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.SUBRULE2(this.expression);
            });
          },
        },
      ]);
    });
    this.OPTION3(() => {
      this.CONSUME(T.Where);
      this.SUBRULE3(this.expression, { LABEL: 'where' });
    });
  });

  aggClause = this.RULE('aggClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Active);
          this.CONSUME(T.Between);
          this.SUBRULE(this.additive, { LABEL: 'start' });
          this.CONSUME(T.And);
          this.SUBRULE2(this.additive, { LABEL: 'end' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.At);
          this.SUBRULE(this.name);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Period);
          this.CONSUME(T.StringLiteral);
        },
      },
    ]);
  });
}
