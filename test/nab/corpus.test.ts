import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listNabFiles, loadNabCorpus, readNabLabels, readNabScoreboard, readTimeSeriesCsv } from '../../src/nab/index.js';

function tempNab(files: Record<string, string>, labels: unknown): string {
  const root = mkdtempSync(join(tmpdir(), 'rcf-corpus-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, 'data', name.split('/')[0]!), { recursive: true });
    writeFileSync(join(root, 'data', name), text);
  }
  mkdirSync(join(root, 'labels'));
  writeFileSync(join(root, 'labels', 'combined_windows.json'), JSON.stringify(labels));
  return root;
}

const csv = 'timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,2\n2014-01-01 00:10:00,3\n';

describe('NAB corpus loading', () => {
  it('loads files, values and row windows; lists files sorted', async () => {
    const root = tempNab({ 'b/x.csv': csv, 'a/y.csv': csv }, {
      'a/y.csv': [],
      'b/x.csv': [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']],
    });
    try {
      expect(await listNabFiles(join(root, 'data'))).toEqual(['a/y.csv', 'b/x.csv']);
      const corpus = await loadNabCorpus({ dataDir: join(root, 'data') });
      expect(corpus.map((f) => f.name)).toEqual(['a/y.csv', 'b/x.csv']);
      expect([...corpus[1]!.values]).toEqual([1, 2, 3]);
      expect(corpus[1]!.windows).toEqual([{ start: 1, end: 2 }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names the file, line and column of a bad value, and a file without labels', async () => {
    const root = tempNab({ 'a/bad.csv': 'timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,oops\n' }, {});
    try {
      const path = join(root, 'data', 'a', 'bad.csv');
      await expect(readTimeSeriesCsv(path, 'timestamp', ['value'])).rejects.toThrow(
        `${path}:3: column "value": expected a finite number, got "oops"`,
      );
      await expect(readTimeSeriesCsv(path, 'time', ['value'])).rejects.toThrow(`${path}:1: missing column "time"`);
      await expect(loadNabCorpus({ dataDir: join(root, 'data') })).rejects.toThrow(/has no windows for a\/bad.csv/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('validates the labels file and the scoreboard', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rcf-labels-'));
    try {
      writeFileSync(join(root, 'l.json'), '{"a.csv": [["x"]]}');
      await expect(readNabLabels(join(root, 'l.json'))).rejects.toThrow(/windows of "a.csv" must be an array of \[start, end\]/);
      writeFileSync(join(root, 's.json'), '{"d": {"standard": 1.5}}');
      expect((await readNabScoreboard(join(root, 's.json')))['d']!['standard']).toBe(1.5);
      writeFileSync(join(root, 'bad.json'), '{"d": {"standard": "x"}}');
      await expect(readNabScoreboard(join(root, 'bad.json'))).rejects.toThrow(TypeError);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
