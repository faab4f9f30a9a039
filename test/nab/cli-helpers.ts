/** Shared by the `rcf nab` tests: a captured CLI io, and a tiny NAB folder made of real fixture files. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/nab/', import.meta.url));

/** The two real files of the tiny NAB folder. */
export const FILES = ['realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv', 'realAdExchange/exchange-3_cpc_results.csv'];

/** A CLI io whose stdout and stderr are collected as text. */
export function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _e, done) {
        append(chunk.toString());
        done();
      },
    });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) }, out: () => out, err: () => err };
}

/** A tiny NAB folder in a new temp folder: {@link FILES} (KDA outputs double as data: extra columns are ignored). */
export function tinyNab(): string {
  const root = mkdtempSync(join(tmpdir(), 'rcf-nab-'));
  const labels = JSON.parse(readFileSync(join(fixtures, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, unknown>;
  for (const f of FILES) {
    for (const dir of ['data', 'kda']) {
      mkdirSync(join(root, dir, f.split('/')[0]!), { recursive: true });
      copyFileSync(join(fixtures, 'kda', f), join(root, dir, f));
    }
  }
  mkdirSync(join(root, 'labels'));
  writeFileSync(join(root, 'labels', 'combined_windows.json'), JSON.stringify(Object.fromEntries(FILES.map((f) => [f, labels[f]]))));
  return root;
}
