#!/usr/bin/env node
/**
 * The `rcf` command: `rcf score`, `rcf nab`, `rcf demo`. Errors print one line on stderr and exit
 * non-zero (2 for a usage mistake, 1 otherwise), without a stack trace.
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError, type CliIo, type Subcommand } from './common.js';
import { demoCommand } from './demo.js';
import { nabCommand } from './nab.js';
import { scoreCommand } from './score.js';

/** Top-level usage text. */
export const USAGE = `Usage: rcf <command> [options]

Commands:
  score [FILE|-]   score a CSV or JSON Lines file, row by row, as KDA's RANDOM_CUT_FOREST
  nab              score the NAB corpus in KDA mode: fidelity to KDA and NAB's benchmark score
  demo             replay the bundled NYC taxi series, list its strongest anomalies, chart it

Run 'rcf <command> --help' for a command's options.
`;

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
  const run = COMMANDS[command];
  if (run === undefined) {
    io.stderr.write(`rcf: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
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
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
