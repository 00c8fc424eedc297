/** Alert levels from thresholds: direction from the comparison, hysteresis, and no flapping. */
// @ts-nocheck

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AlertLevel, nextLevel } from '../../src/alerts/levels.ts';
import type { Thresholds } from '../../src/ir/kpi.ts';

const HIGH_BAD: Thresholds = { warning: { op: '>', value: 250 }, critical: { op: '>', value: 500 } };
const LOW_BAD: Thresholds = { warning: { op: '<', value: 0.5 }, critical: { op: '<=', value: 0.2 } };

const run = (values: (number | null)[], t: Thresholds, band: number, start: AlertLevel = 'ok') => {
  const levels: AlertLevel[] = [];
  let level = start;
  for (const v of values) {
    level = nextLevel(level, v, t, band);
    levels.push(level);
  }
  return levels;
};

/** The level a value has on its own, with no memory: what every level must equal when there is no band. */
function stateless(v: number, t: Thresholds): AlertLevel {
  const hit = (x?: { op: string; value: number }) =>
    x !== undefined &&
    ((x.op === '>' && v > x.value) ||
      (x.op === '>=' && v >= x.value) ||
      (x.op === '<' && v < x.value) ||
      (x.op === '<=' && v <= x.value));
  return hit(t.critical) ? 'critical' : hit(t.warning) ? 'warning' : 'ok';
}

describe('alert levels', () => {
  it('enters a level when the value crosses its line, in the direction the comparison gives', () => {
    expect(run([100, 251, 501, 300, 100], HIGH_BAD, 0)).toEqual([
      'ok',
      'warning',
      'critical',
      'warning',
      'ok',
    ]);
    expect(run([0.9, 0.49, 0.2, 0.3, 0.6], LOW_BAD, 0)).toEqual([
      'ok',
      'warning',
      'critical',
      'warning',
      'ok',
    ]);
    // At the line: `>` is not crossed by the line itself, `<=` is.
    expect(run([250], HIGH_BAD, 0)).toEqual(['ok']);
    expect(run([0.2], LOW_BAD, 0)).toEqual(['critical']);
  });

  it('leaves a level only past the band, on the good side (2 % of 250 is 5)', () => {
    expect(run([251, 249, 246, 245.5, 244.9], HIGH_BAD, 0.02)).toEqual([
      'warning',
      'warning',
      'warning',
      'warning',
      'ok',
    ]);
    // Low is bad: leaving warning < 0.5 takes a value at or above 0.51.
    expect(run([0.49, 0.505, 0.509, 0.5101], LOW_BAD, 0.02)).toEqual(['warning', 'warning', 'warning', 'ok']);
    // From critical, back inside the critical band but past warning's line: still critical.
    expect(run([600, 495, 489], HIGH_BAD, 0.02)).toEqual(['critical', 'critical', 'warning']);
    // A line at 0: the band is absolute.
    expect(run([1, -0.01, -0.03], { warning: { op: '>', value: 0 } }, 0.02)).toEqual([
      'warning',
      'warning',
      'ok',
    ]);
  });

  it('keeps the level when there is no value', () => {
    expect(run([600, null, Number.NaN, 600], HIGH_BAD, 0.02)).toEqual([
      'critical',
      'critical',
      'critical',
      'critical',
    ]);
  });

  it('without a band, equals the value’s own level whatever came before (property)', () => {
    const levels = fc.constantFrom<AlertLevel>('ok', 'warning', 'critical');
    fc.assert(
      fc.property(
        levels,
        fc.double({ min: -1_000, max: 1_000, noNaN: true }),
        fc.boolean(),
        (prev, v, high) => {
          const t = high ? HIGH_BAD : LOW_BAD;
          expect(nextLevel(prev, v, t, 0)).toBe(stateless(v, t));
        },
      ),
    );
  });

  it('a value wobbling across a line changes level once, however long it wobbles (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 245.01, max: 260, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (wobble) => {
          const levels = run([251, ...wobble], HIGH_BAD, 0.02);
          expect(new Set(levels)).toEqual(new Set(['warning']));
          // Without the band the same values flap whenever they cross 250.
          const flaps = run([251, ...wobble], HIGH_BAD, 0).filter(
            (l, i, all) => i > 0 && l !== all[i - 1],
          ).length;
          expect(flaps).toBe(
            [251, ...wobble].filter((v, i, all) => i > 0 && v > 250 !== all[i - 1]! > 250).length,
          );
        },
      ),
    );
  });
});
