/** Shared pieces of the `rcf score` hardening tests: small inputs, folder snapshots, forged checkpoints. */
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { crc32 } from '../../src/forest/crc32.js';

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rcf-${prefix}-`));
}

/** A small CSV series `timestamp,cpu,mem,host` of `rows` rows, the same for the same seed. */
export function csvSeries(rows: number, seed = 'fixture'): string {
  const rnd = seedrandom(seed);
  const lines = ['timestamp,cpu,mem,host'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${1_700_000_000_000 + i * 1000},${(50 + 10 * Math.sin(i / 20) + 3 * rnd()).toFixed(3)},${(rnd() * 100).toFixed(2)},h${i % 3}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Every entry under `dir` (hidden ones too, recursively) with a hash of its content (a link: its
 * target): equal snapshots mean no file was created, removed or changed.
 */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const s = lstatSync(path);
      if (s.isSymbolicLink()) out[prefix + name] = `link:${readlinkSync(path)}`;
      else if (s.isDirectory()) {
        out[prefix + name + '/'] = 'dir';
        walk(path, `${prefix}${name}/`);
      } else out[prefix + name] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

const MAGIC = 'RCF-CHECKPOINT 1\n';

/** Rewrites a checkpoint's metadata with `edit` and a recomputed CRC (a forged but intact file). */
export function forgeCheckpoint(file: string, edit: (meta: Record<string, unknown>) => unknown): void {
  const bytes = readFileSync(file);
  const newline = bytes.indexOf(0x0a, MAGIC.length);
  const meta = JSON.parse(bytes.subarray(MAGIC.length, newline).toString('utf8')) as Record<string, unknown>;
  const edited = edit(meta);
  const body = Buffer.concat([Buffer.from(MAGIC + JSON.stringify(edited === undefined ? meta : edited) + '\n'), bytes.subarray(newline + 1, bytes.length - 4)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body), 0);
  writeFileSync(file, Buffer.concat([body, crc]));
}
