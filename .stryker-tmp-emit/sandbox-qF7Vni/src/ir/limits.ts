/**
 * The documented limits of one request: each keeps compile time, SQL size and engine work bounded.
 * Crossing one is the caller's error (400 `limit-exceeded` over HTTP, an error line in the CLI) whose
 * message names the limit and its value; the README's "Limits" table lists them.
 */
// @ts-nocheck

export const LIMITS = Object.freeze({
  /** Parentheses, `case … end`, `not` and unary minus nested inside each other in one expression. */
  MAX_NESTING: 100,
  /** Tokens of one declaration or expression (checked before parsing). */
  MAX_TOKENS: 10_000,
  /** Depth of one expression's tree; a chain `a + b + …` of N terms is N deep. */
  MAX_EXPRESSION_DEPTH: 2_000,
  /** Derived KPIs referring to derived KPIs: the longest chain of references. */
  MAX_DERIVATION_DEPTH: 64,
  /** Distinct aggregates one query computes (derived KPIs expanded; the same aggregate counts once). */
  MAX_MEASURES: 100,
  /**
   * Nodes of the KPI IR one request's definitions analyze to (a term such as `sum(t.c)` is about 6; the
   * 18 demo KPIs are 239): the IR is copied back to the event loop, so this bounds that copy.
   */
  MAX_DEFINITION_NODES: 20_000,
  /** Characters of a filter written as DSL text (`region = 'eu'`); JSON filters carry larger values. */
  MAX_FILTER_CHARS: 10_000,
  /** Characters of generated SQL for one query. */
  MAX_SQL_CHARS: 2_000_000,
  /**
   * Characters of the statement sent to Trino — the SQL with its bound values written in as literals
   * (EXECUTE IMMEDIATE … USING …). Trino refuses longer text: this is its `query.max-length` default.
   */
  MAX_TRINO_QUERY_CHARS: 1_000_000,
  /** Time buckets of one query (range ÷ grain). */
  MAX_BUCKETS: 50_000,
  /** Rows one query may return (buckets × dimension members). */
  MAX_RESULT_ROWS: 200_000,
  /** Distinct dimensions of one query. */
  MAX_DIMENSIONS: 8,
  /** Engine queries one request may start (a report runs one per KPI). */
  MAX_QUERIES_PER_REQUEST: 50,
  /** Characters of a KPI or report id. */
  MAX_ID_CHARS: 128,
  /** Characters of a KPI or report name (title). */
  MAX_NAME_CHARS: 512,
  /** Nesting of JSON filter objects in a request. */
  MAX_FILTER_DEPTH: 32,
});

export type LimitName = keyof typeof LIMITS;

/** "…; the limit is MAX_BUCKETS = 50000" — how every limit error ends, so callers can find it. */
export const limitText = (name: LimitName): string => `the limit is ${name} = ${LIMITS[name]}`;
