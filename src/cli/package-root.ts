/**
 * Finding the package's own folder, for the bundled data (`data/`) and fixtures.
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The closest folder above this module that holds a package.json: the package's root, whether this
 * runs from `src/` (tests) or `dist/src/` (built).
 * @example
 * join(packageRoot(), 'data', 'nyc_taxi.csv');
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}
