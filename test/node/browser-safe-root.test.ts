import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SPECIFIER = /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;

/** Drops comments (so TSDoc examples mentioning node:stream do not count). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

/** Every module reachable from `entry` by static imports and re-exports: file -> its specifiers. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const specifiers = [...code(readFileSync(file, 'utf8')).matchAll(SPECIFIER)].map((m) => m[1]!);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) pending.push(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  }
  return graph;
}

describe('the package root is browser-safe', () => {
  const graph = importGraph(join(repo, 'src/index.ts'));

  it('walks the real graph (the forest and the stream operators are in it)', () => {
    const files = [...graph.keys()].map((f) => relative(repo, f));
    expect(files).toContain('src/stream/rcf-operators.ts');
    expect(files).toContain('src/forest/forest.ts');
    expect(files).not.toContain('src/node/rcf-node-streams.ts');
  });

  it('no module reachable from src/index.ts imports node:* or a Node built-in', () => {
    const builtins = new Set(builtinModules);
    const offending = [...graph].flatMap(([file, specifiers]) =>
      specifiers.filter((s) => s.startsWith('node:') || builtins.has(s.split('/')[0]!)).map((s) => `${relative(repo, file)}: ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('no module reachable from src/index.ts uses the process or Buffer globals', () => {
    const offending = [...graph.keys()].filter((file) => /(?<![.\w$])(process|Buffer)\s*[.[]|\bnew\s+Buffer\b|\btypeof\s+(process|Buffer)\b/.test(code(readFileSync(file, 'utf8'))));
    expect(offending.map((f) => relative(repo, f))).toEqual([]);
  });

  it('a real browser bundle of src/index.ts resolves every import (esbuild, platform "browser")', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [join(repo, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.text)).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*['"]node:/);
    expect(code).toContain('randomCutForest');
  });

  it('the Node adapters live at random-cut-forest/node, which does import node:stream', () => {
    const node = importGraph(join(repo, 'src/node/index.ts'));
    expect([...node.values()].flat()).toContain('node:stream');
  });
});
