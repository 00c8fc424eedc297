import { describe, expect, it } from 'vitest';
import { error, NO_SPAN, warning } from '../../src/semantic/diagnostics.ts';

// The diagnostic constructors (src/semantic/diagnostics.ts): a hint is carried only when there is one,
// so a diagnostic without a hint has no `hint` key (the JSON of `kpi check --json` and the API show it).

describe('diagnostic constructors', () => {
  it('builds an error with its hint', () => {
    expect(error('unknown-column', 'no column "x"', NO_SPAN, { hint: 'did you mean "y"?' })).toEqual({
      severity: 'error',
      code: 'unknown-column',
      message: 'no column "x"',
      span: NO_SPAN,
      hint: 'did you mean "y"?',
    });
  });

  it('leaves the hint key out when there is no hint, or an empty one', () => {
    for (const d of [
      error('c', 'm', NO_SPAN),
      error('c', 'm', NO_SPAN, {}),
      error('c', 'm', NO_SPAN, { hint: '' }),
    ])
      expect(Object.keys(d).sort()).toEqual(['code', 'message', 'severity', 'span']);
  });

  it('builds a warning', () => {
    expect(warning('w', 'careful', NO_SPAN)).toEqual({
      severity: 'warning',
      code: 'w',
      message: 'careful',
      span: NO_SPAN,
    });
  });
});
