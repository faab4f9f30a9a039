/**
 * The package as a user gets it: `npm pack`, installed into a scratch app, then imported with `import`
 * and `require`, type-checked with Node16+ and node10 module resolution, bundled for a browser, and
 * its `rcf` command run. Needs `npm run build` first (`npm test` does it).
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, unknown>;
};
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');

let scratch = '';
let app = '';
let installed = '';

function run(cmd: string, args: string[], options: ExecFileSyncOptions = {}): string {
  return execFileSync(cmd, args, { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }) as string;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rcf-pack-'));
  app = join(scratch, 'app');
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
    cwd: root,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(out) as [{ filename: string }];
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(scratch, filename)], {
    cwd: app,
    stdio: 'ignore',
  });
  installed = join(app, 'node_modules', 'random-cut-forest');
}, 120_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the built code, its sources for the source maps, the bundled data, LICENSE and CHANGELOG', () => {
    for (const f of ['dist/src/index.js', 'dist/src/cli/main.js', 'data/nyc_taxi.csv', 'data/NAB-LICENSE.txt', 'LICENSE', 'CHANGELOG.md', 'README.md']) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    // Every source map names sources that exist in the package.
    const maps: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.js.map')) maps.push(p);
      }
    };
    walk(join(installed, 'dist'));
    expect(maps.length).toBeGreaterThan(20);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(m, 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const s of map.sources) expect(existsSync(resolve(dirname(m), map.sourceRoot ?? '', s)), `${m} -> ${s}`).toBe(true);
    }
  });

  it('imports every subpath with import, and the root and subpaths with require', () => {
    const specs = subpaths.map((s) => 'random-cut-forest' + s.slice(1));
    const esm = run('node', [
      '--input-type=module',
      '-e',
      `const specs = ${JSON.stringify(specs)};
       for (const s of specs) { const m = await import(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); }
       const { RandomCutForest } = await import('random-cut-forest');
       const f = new RandomCutForest({ dimensions: 1, numberOfTrees: 5, subSampleSize: 16, seed: 1 });
       let s = 0; for (let i = 0; i < 100; i++) s = f.process([i % 7]);
       console.log(s.toFixed(6));`,
    ]);
    const cjs = run('node', [
      '--no-warnings',
      '-e',
      `const specs = ${JSON.stringify(specs)};
       for (const s of specs) { const m = require(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); }
       const { RandomCutForest } = require('random-cut-forest');
       const f = new RandomCutForest({ dimensions: 1, numberOfTrees: 5, subSampleSize: 16, seed: 1 });
       let s = 0; for (let i = 0; i < 100; i++) s = f.process([i % 7]);
       console.log(s.toFixed(6));`,
    ]);
    expect(cjs).toBe(esm);
    expect(Number(esm)).toBeGreaterThan(0);
  });

  it('type-checks with NodeNext resolution and with node10 resolution (TypeScript 5, typesVersions)', () => {
    const imports = subpaths.map((s, k) => `import * as m${k} from 'random-cut-forest${s.slice(1)}';`).join('\n');
    const uses = subpaths.map((_, k) => `m${k}`).join(', ');
    writeFileSync(
      join(app, 'check.ts'),
      `${imports}\nimport { RandomCutForest } from 'random-cut-forest';\n` +
        `const f: RandomCutForest = new RandomCutForest({ dimensions: 1 });\nexport const all = [${uses}, f.process([1])];\n`,
    );
    const tsc7 = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const tsc5 = join(root, 'node_modules', 'typescript5', 'bin', 'tsc');
    const common = ['--noEmit', '--strict', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types')];
    // NodeNext also checks the shipped declarations themselves (skipLibCheck false).
    run('node', [tsc7, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'false', ...common, 'check.ts']);
    // node10 (TypeScript 5; TypeScript 7 no longer has it): every subpath must resolve to its types.
    const node10 = ['--module', 'commonjs', '--moduleResolution', 'node10', '--target', 'es2022', '--skipLibCheck', 'true', ...common];
    run('node', [tsc5, ...node10, 'check.ts']);
    // A wrong subpath is an error under node10 too (typesVersions does not map everything to something).
    writeFileSync(join(app, 'bad.ts'), `import * as x from 'random-cut-forest/nosuch';\nexport const y = x;\n`);
    let failure = '';
    try {
      run('node', [tsc5, ...node10, 'bad.ts']);
    } catch (e) {
      failure = String((e as { stdout?: string }).stdout);
    }
    expect(failure).toMatch(/Cannot find module 'random-cut-forest\/nosuch'/);
  });

  it("type-checks every TypeScript snippet of the README against the installed package", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets.length).toBeGreaterThan(5);
    // What the snippets take as given: the user's data, and a forest for the state snippet.
    writeFileSync(
      join(app, 'readme-globals.d.ts'),
      `declare const readings: { at: string; cpu: number; latency: number }[];
       declare const points: { t: number; v: number }[];
       declare const values: number[];
       declare const clicks: { at: string; ms: number; page: string }[];
       declare const rows: { value: number }[];
       declare const rowsFromTheStart: { value: number }[];
       declare const rowsAfterCheckpoint: { value: number }[];
       declare const batch: number[][];
       declare const source: NodeJS.ReadableStream;
       declare const sink: NodeJS.WritableStream;
       declare const forest: import('random-cut-forest').RandomCutForest;\n`,
    );
    const files = snippets.map((code, k) => {
      const name = `readme-${k + 1}.ts`;
      // `export {}` makes each snippet a module of its own (top-level await, its own names).
      writeFileSync(join(app, name), `${code}\nexport {};\n`);
      return name;
    });
    const tsc7 = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    let errors = '';
    try {
      run('node', [tsc7, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
        '--noUnusedLocals', 'false', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), 'readme-globals.d.ts', ...files]);
    } catch (e) {
      errors = String((e as { stdout?: string }).stdout);
    }
    expect(errors).toBe('');
  });

  it('bundles the root for a browser (esbuild, platform browser) and the bundle runs without Node globals', async () => {
    const result = await build({
      stdin: {
        contents: `import { RandomCutForest, shingles, tumblingWindows, count } from 'random-cut-forest';
          const f = new RandomCutForest({ dimensions: 1, numberOfTrees: 5, subSampleSize: 16, seed: 1 });
          let s = 0; for (let i = 0; i < 100; i++) s = f.process([i % 7]);
          const w = [...tumblingWindows([{ t: 0 }, { t: 1 }, { t: 1500 }], { time: 't', size: 1000, aggregate: { n: count() } })];
          globalThis.result = { score: s.toFixed(6), windows: w.length, shingles: typeof shingles };`,
        resolveDir: app,
        loader: 'js',
      },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from ["']node:|require\(["']node:/);
    // A context with a browser's globals only: no process, require, Buffer, module.
    const context = vm.createContext({ console, TextEncoder, TextDecoder, crypto: globalThis.crypto, performance });
    vm.runInContext(code, context);
    const got = (context as { result: { score: string; windows: number; shingles: string } }).result;
    const esm = run('node', [
      '--input-type=module',
      '-e',
      `const { RandomCutForest } = await import('random-cut-forest');
       const f = new RandomCutForest({ dimensions: 1, numberOfTrees: 5, subSampleSize: 16, seed: 1 });
       let s = 0; for (let i = 0; i < 100; i++) s = f.process([i % 7]);
       console.log(s.toFixed(6));`,
    ]);
    expect(got.score).toBe(esm.trim());
    expect(got.windows).toBe(2);
    expect(got.shingles).toBe('function');
  });

  it('builds an executable rcf in the checkout itself (npx rcf after npm install in a fresh clone)', () => {
    const main = join(root, 'dist', 'src', 'cli', 'main.js');
    expect(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(main).mode & 0o111).toBe(0o111);
    expect(execFileSync(main, ['--version'], { encoding: 'utf8' }).trim()).toBe(`rcf ${pkg.version}`);
  });

  it('runs rcf --version, rcf --help and rcf demo from the installed package', () => {
    expect(run('npx', ['--no-install', 'rcf', '--version']).trim()).toBe(`rcf ${pkg.version}`);
    expect(run('npx', ['--no-install', 'rcf', '--help'])).toMatch(/^Usage: rcf <command>/);
    const demo = run('npx', ['--no-install', 'rcf', 'demo', '--top', '3']);
    expect(demo).toMatch(/Labelled events found: \d of 5/);
    expect(existsSync(join(app, 'out', 'nyc_taxi.svg'))).toBe(true);
  });
});
