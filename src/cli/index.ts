/**
 * The `rcf` command line, as functions (the executable is `main.js`).
 * @example
 * import { main } from './cli/index.js';
 * process.exitCode = await main(['nab', '--seed', '7']);
 * @module
 */
export { main, USAGE } from './main.js';
export { nabCommand, formatNabReport, NAB_USAGE, KDA_PUBLISHED_NAB } from './nab.js';
export {
  UsageError,
  ProgressLine,
  describeError,
  parseSeed,
  parsePositiveInteger,
  type CliIo,
  type Subcommand,
} from './common.js';
