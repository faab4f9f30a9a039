#!/usr/bin/env node
/**
 * The `rcf` command: `rcf score`, `rcf nab`, `rcf demo`. Errors print one line on stderr and exit
 * non-zero (2 for a usage mistake, 1 otherwise), without a stack trace.
 * @module
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError, isBrokenPipe, type CliIo, type Subcommand } from './common.js';
import { demoCommand } from './demo.js';
import { nabCommand } from './nab.js';
import { packageRoot } from './package-root.js';
import { scoreCommand } from './score.js';

/** Top-level usage text. */
export const USAGE = `Usage: rcf <command> [options]

Commands:
  score [FILE|-]   score a CSV or JSON Lines file, row by row, as KDA's RANDOM_CUT_FOREST
  nab              score the NAB corpus in KDA mode: fidelity to KDA and NAB's benchmark score
  demo             replay the bundled NYC taxi series, list its strongest anomalies, chart it

Options:
  -h, --help       show this help
  -V, --version    show the version

Run 'rcf <command> --help' for a command's options.

Examples:
  rcf score data.csv --seed 42 -o scored.csv
  rcf score metrics.jsonl --time ts --explain > scored.jsonl
  rcf nab --data NAB --seed 7          # NAB: a copy of https://github.com/numenta/NAB
  rcf demo
`;

/**
 * The package's version, from the package.json above this module.
 * @example
 * version(); // '0.1.0'
 */
export function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

const COMMANDS: Record<string, Subcommand> = {
  score: scoreCommand,
  nab: nabCommand,
  demo: demoCommand,
};

/**
 * Runs the command line `args` (without the node and script paths) and returns the exit code.
 * @example
 * process.exitCode = await main(['demo'], { stdout: process.stdout, stderr: process.stderr });
 */
export async function main(args: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '-h' || command === '--help') {
    io.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V' || (rest.includes('--version') && !rest.slice(0, rest.indexOf('--version')).includes('--'))) {
    io.stdout.write(`rcf ${version()}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    io.stderr.write(`rcf: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (isBrokenPipe(error)) return 0; // the reader of stdout went away (rcf score ... | head): not an error
    const { message, code } = describeError(error);
    io.stderr.write(`rcf ${command}: ${message}\n`);
    return code;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `rcf score big.csv | head -1`: once head exits, writing stdout fails with EPIPE; end quietly
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
