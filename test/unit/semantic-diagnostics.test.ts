import { describe, expect, it } from 'vitest';
import { error, NO_SPAN, timeZoneProblem, warning } from '../../src/semantic/diagnostics.ts';

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

describe('time zones of schedules and rollups', () => {
  it('passes every zone Intl knows', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      expect(timeZoneProblem(zone, NO_SPAN)).toBeNull();
    }
  });

  it('refuses another with its code, the text it was given and the closest zone', () => {
    expect(timeZoneProblem('Europe/Berln', NO_SPAN)).toEqual({
      severity: 'error',
      code: 'unknown-timezone',
      message: `"Europe/Berln" is not an IANA time zone such as 'UTC' or 'Europe/Berlin'`,
      span: NO_SPAN,
      hint: 'did you mean "Europe/Berlin"?',
    });
  });

  it('gives no hint when no zone is near', () => {
    expect(timeZoneProblem('Mars/Base', NO_SPAN)).not.toHaveProperty('hint');
  });

  it('shows at most 40 characters of a long zone, and looks for no name near it', () => {
    const forty = `Europe/${'x'.repeat(33)}`;
    expect(timeZoneProblem(forty, NO_SPAN)?.message).toBe(
      `"${forty}" is not an IANA time zone such as 'UTC' or 'Europe/Berlin'`,
    );
    const long = `Europe/Berlin${'x'.repeat(100)}`;
    const d = timeZoneProblem(long, NO_SPAN)!;
    expect(d.message).toBe(
      `"${long.slice(0, 40)}…" is not an IANA time zone such as 'UTC' or 'Europe/Berlin'`,
    );
    expect(d).not.toHaveProperty('hint');
  });
});
