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

  it('rejects inconsistent input', () => {
    expect(() => anomalyChart({ title: 't', times: [1, 2], values: [1], scores: [1, 2] })).toThrow(RangeError);
  });
});
