/**
 * Every `rcf` command the documentation shows works as written: the shell lines of README.md and
 * docs/cli.md, and the examples of every `--help`. Run in a scratch folder holding the files they name
 * (small generated ones, and a cut of the bundled data), in order, as a new user would paste them;
 * a scratch folder per document. `rcf demo` lines are left out here: the demo replays the whole bundled
 * year (seconds), and test/report/demo.test.ts and test/packaging run it.
 * Needs `npm run build` first (`npm test` does it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const main = join(root, 'dist', 'src', 'cli', 'main.js');
let scratch = '';
let dir = '';

/** The `rcf` lines of the ```sh blocks of a Markdown file, comments and continuation prose removed. */
function shellCommands(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (/(^|\| )(npx )?rcf /.test(command) && !/rcf demo/.test(command)) out.push(command);
    }
  }
  return out;
}

/** The lines under "Examples:" in a help text. */
function helpExamples(help: string): string[] {
  const at = help.indexOf('\nExamples:\n');
  if (at < 0) return [];
  return help
    .slice(at + 11)
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => /(^|\| )rcf /.test(l) && !/rcf demo/.test(l));
}

function writeFixtures(): void {
  const rng = seedrandom('documented-commands');
  const t0 = Date.UTC(2024, 0, 1);
  const rows = 1200;
  const csv = ['timestamp,value'];
  const metrics = ['ts,id,cpu,mem'];
  const metricsJsonl: string[] = [];
  const events: string[] = [];
  for (let i = 0; i < rows; i++) {
    const v = 50 + 10 * Math.sin(i / 20) + rng() * 2 + (i === 1000 ? 40 : 0);
    csv.push(`${new Date(t0 + i * 60_000).toISOString().replace('T', ' ').slice(0, 19)},${v.toFixed(3)}`);
    metrics.push(`${t0 + i * 60_000},${i + 1},${(v / 2).toFixed(2)},${(30 + rng()).toFixed(2)}`);
    metricsJsonl.push(JSON.stringify({ ts: t0 + i * 60_000, host: 'a', cpu: v / 2, latency: 20 + rng() }));
    events.push(JSON.stringify({ at: t0 + i * 1000, cpu: v / 2, latency: 20 + rng() * 3 }));
  }
  writeFileSync(join(dir, 'data.csv'), csv.join('\n') + '\n');
  writeFileSync(join(dir, 'big.csv'), csv.join('\n') + '\n');
  writeFileSync(join(dir, 'metrics.csv'), metrics.join('\n') + '\n');
  writeFileSync(join(dir, 'metrics.jsonl'), metricsJsonl.join('\n') + '\n');
  writeFileSync(join(dir, 'events.jsonl'), events.join('\n') + '\n');
  // The bundled series, cut to 1,500 rows so that the commands run fast.
  const taxi = readFileSync(join(root, 'data', 'nyc_taxi.csv'), 'utf8').split('\n').slice(0, 1501).join('\n') + '\n';
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'nyc_taxi.csv'), taxi);
  writeFileSync(join(dir, 'nyc_taxi.csv'), taxi);
  // A tiny NAB folder for `rcf nab --data NAB` (KDA's outputs double as data: extra columns are ignored).
  const fixtures = join(root, 'test', 'fixtures', 'nab');
  const file = 'realAdExchange/exchange-3_cpc_results.csv';
  for (const sub of ['data', 'kda']) {
    mkdirSync(join(dir, 'NAB', sub, 'realAdExchange'), { recursive: true });
    copyFileSync(join(fixtures, 'kda', file), join(dir, 'NAB', sub, file));
  }
  const labels = JSON.parse(readFileSync(join(fixtures, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, unknown>;
  mkdirSync(join(dir, 'NAB', 'labels'));
  writeFileSync(join(dir, 'NAB', 'labels', 'combined_windows.json'), JSON.stringify({ [file]: labels[file] }));
}

/** Runs one documented line in the scratch folder, with `rcf` and `npx rcf` meaning this build. */
function runDocumented(command: string): { status: number | null; stderr: string } {
  const shell = `rcf() { node ${JSON.stringify(main)} "$@"; }\nnpx() { shift; rcf "$@"; }\nset -o pipefail\n${command}`;
  const r = spawnSync('bash', ['-c', shell], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rcf-docs-'));
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('documented rcf commands', () => {
  const help = (args: string[]): string => execFileSync('node', [main, ...args], { encoding: 'utf8' });
  const sources: [string, () => string[]][] = [
    ['README.md', () => shellCommands(readFileSync(join(root, 'README.md'), 'utf8'))],
    ['docs/cli.md', () => shellCommands(readFileSync(join(root, 'docs', 'cli.md'), 'utf8'))],
    ['rcf --help', () => helpExamples(help(['--help']))],
    ['rcf score --help', () => helpExamples(help(['score', '--help']))],
    ['rcf nab --help', () => helpExamples(help(['nab', '--help']))],
  ];
  for (const [name, commands] of sources) {
    it(`every command of ${name} runs as written and exits 0`, () => {
      dir = join(scratch, name.replace(/[^a-z]+/gi, '-'));
      mkdirSync(dir);
      writeFixtures();
      const list = commands();
      expect(list.length, `${name} shows no rcf command`).toBeGreaterThan(0);
      for (const command of list) {
        const r = runDocumented(command);
        expect({ command, status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ command, status: 0, stderr: '' });
      }
    });
  }
});
