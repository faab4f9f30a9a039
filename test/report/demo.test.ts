import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { formatDemo, runDemo } from '../../src/cli/demo.js';

describe('the demo replay (npm start)', () => {
  it('finds the labelled NYC taxi events among the ten strongest and writes a well-formed chart', async () => {
    const chart = join(mkdtempSync(join(tmpdir(), 'rcf-demo-')), 'nyc_taxi.svg');
    const result = await runDemo({ chart, seed: 42 });
    expect(result.rows).toBe(10_320);
    expect(result.events).toHaveLength(10);
    expect(result.labelsFound).toHaveLength(5);
    // peaks are distinct events, strongest first
    for (let i = 1; i < 10; i++) expect(result.events[i]!.score).toBeLessThanOrEqual(result.events[i - 1]!.score);
    expect(existsSync(chart)).toBe(true);
    const svg = readFileSync(chart, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/class="window"/g)).toHaveLength(5);
    expect(svg.match(/class="marker"/g)).toHaveLength(10);
    const text = formatDemo(result);
    expect(text).toMatch(/Labelled events found: 5 of 5/);
    expect(text).toContain('January 2015 blizzard');
  });
});
