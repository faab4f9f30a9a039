import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTime, step } from '../../src/stream/index.js';

describe('parseTime', () => {
  it('reads epoch milliseconds, bigints and Dates', () => {
    expect(parseTime(0)).toBe(0);
    expect(parseTime(-1500)).toBe(-1500);
    expect(parseTime(1541030400000n)).toBe(1541030400000);
    expect(parseTime(new Date(Date.UTC(2018, 10, 1)))).toBe(1541030400000);
  });

  it('reads ISO 8601 and "YYYY-MM-DD HH:MM:SS[.ffffff]" strings, as UTC when no zone is given', () => {
    const base = Date.UTC(2018, 10, 1, 10, 20, 30);
    expect(parseTime('2018-11-01T10:20:30Z')).toBe(base);
    expect(parseTime('2018-11-01T10:20:30')).toBe(base);
    expect(parseTime('2018-11-01 10:20:30')).toBe(base);
    expect(parseTime('2018-11-01 10:20:30.250000')).toBe(base + 250);
    expect(parseTime('2018-11-01T10:20:30.5Z')).toBe(base + 500);
    expect(parseTime('2018-11-01 10:20:30.123456')).toBeCloseTo(base + 123.456, 6);
    expect(parseTime('2018-11-01T11:20:30+01:00')).toBe(base);
    expect(parseTime('2018-11-01T05:20:30-0500')).toBe(base);
    expect(parseTime('2018-11-01T10:20Z')).toBe(base - 30_000);
    expect(parseTime('2018-11-01')).toBe(Date.UTC(2018, 10, 1));
    expect(parseTime('1969-12-31 23:59:59')).toBe(-1000);
  });

  it('rejects what is not a time', () => {
    for (const bad of ['yesterday', '', '2018-02-30', '2018-13-01', '2018-11-01 24:00:00', '1541030400000', null, undefined,
      NaN, Infinity, true, {}, new Date(NaN)]) {
      expect(parseTime(bad), String(bad)).toBeUndefined();
    }
  });

  it('agrees with Date for ISO strings with a zone', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }), (d) => {
        expect(parseTime(d.toISOString())).toBe(d.getTime());
        expect(parseTime(d.toISOString().replace('T', ' ').replace('Z', ''))).toBe(d.getTime());
      }),
    );
  });
});

describe('step', () => {
  it('is KDA STEP: STEP(23 BY 5) = 20', () => {
    expect(step(23, 5)).toBe(20);
    expect(step(20, 5)).toBe(20);
    expect(step(24.9, 5)).toBe(20);
  });

  it('aligns negative times to the epoch', () => {
    expect(step(-1, 5)).toBe(-5);
    expect(step(-5, 5)).toBe(-5);
    expect(step(-6, 5)).toBe(-10);
    expect(Object.is(step(-0, 5), 0)).toBe(true);
  });

  it('aligns to epoch + offset', () => {
    expect(step(23, 5, 2)).toBe(22);
    expect(step(21, 5, 2)).toBe(17);
    expect(step(-3, 5, 2)).toBe(-3);
    expect(step(-4, 5, 2)).toBe(-8);
    expect(step(23, 5, -3)).toBe(22);
  });

  it('start <= t < start + size and start = offset + k * size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 1, max: 1e7 }),
        fc.integer({ min: -1e7, max: 1e7 }),
        (t, size, offset) => {
          const start = step(t, size, offset);
          expect(start).toBeLessThanOrEqual(t);
          expect(t).toBeLessThan(start + size);
          expect(Number.isInteger((start - offset) / size)).toBe(true);
        },
      ),
    );
  });
});
