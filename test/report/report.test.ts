import { XMLValidator, XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { anomalyChart, topEvents } from '../../src/report/index.js';

describe('topEvents', () => {
  it('takes the highest peaks at least minSeparation apart, highest first', () => {
    const times = [0, 1, 2, 3, 10, 11, 20];
    const scores = [1, 5, 4.9, 0.5, 3, 3.5, 0.2];
    expect(topEvents(times, scores, 10, 3)).toEqual([
      { index: 1, time: 1, score: 5 },
      { index: 5, time: 11, score: 3.5 },
      { index: 6, time: 20, score: 0.2 },
    ]);
    expect(topEvents(times, scores, 1, 3)).toEqual([{ index: 1, time: 1, score: 5 }]);
  });

  it('skips zero scores (warm-up) and keeps the earlier row on ties', () => {
    expect(topEvents([0, 5, 10], [0, 2, 2], 5, 1)).toEqual([
      { index: 1, time: 5, score: 2 },
      { index: 2, time: 10, score: 2 },
    ]);
  });

  it('rejects mismatched lengths and bad counts', () => {
    expect(() => topEvents([1], [1, 2], 1, 0)).toThrow(/same length, got 1 and 2/);
    expect(() => topEvents([1], [1], -1, 0)).toThrow(RangeError);
  });
});

describe('anomalyChart', () => {
  const n = 500;
  const times = Array.from({ length: n }, (_, i) => Date.UTC(2014, 6, 1) + i * 1_800_000);
  const values = times.map((_, i) => 100 + 50 * Math.sin(i / 10));
  const scores = values.map((_, i) => (i < 50 ? 0 : 0.8 + (i === 300 ? 2 : 0)));

  it('produces a well-formed SVG with both series, shaded windows and markers', () => {
    const svg = anomalyChart({
      title: 'a <test> & "chart"',
      subtitle: 'legend',
      times, values, scores,
      windows: [{ start: times[290]!, end: times[310]!, name: 'event' }, { start: times[480]!, end: times[499]!, name: 'late' }],
      markers: [{ time: times[300]!, score: 2.8, label: '1' }],
    });
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as { svg: Record<string, unknown> };
    expect(doc.svg['@_width']).toBe('1200');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/class="window"/g)).toHaveLength(2);
    expect(svg.match(/class="marker"/g)).toHaveLength(1);
    expect(svg).toContain('a &lt;test&gt; &amp; &quot;chart&quot;');
  });

  it('keeps every marker whole inside the picture, at the first and last rows and the highest score', () => {
    const last = n - 1;
    const svg = anomalyChart({
      title: 't', times, values, scores,
      markers: [
        { time: times[0]!, score: 0, label: 'a' },
        { time: times[last]!, score: scores[last]!, label: 'b' },
        { time: times[300]!, score: 2.8, label: 'c' },
      ],
    });
    const circles = [...svg.matchAll(/<circle cx="([0-9.]+)" cy="([0-9.]+)" r="([0-9.]+)"/g)].map((m) => m.slice(1).map(Number));
    expect(circles).toHaveLength(3);
    for (const [cx, cy, r] of circles) {
      expect(cx! - r! - 1).toBeGreaterThanOrEqual(0);
      expect(cx! + r! + 1).toBeLessThanOrEqual(1200); // stroke included
      expect(cy! - r! - 1).toBeGreaterThanOrEqual(0);
      expect(cy! + r! + 1).toBeLessThanOrEqual(560);
    }
  });

  it('rejects inconsistent input', () => {
    expect(() => anomalyChart({ title: 't', times: [1, 2], values: [1], scores: [1, 2] })).toThrow(RangeError);
  });
});
