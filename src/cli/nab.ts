/**
 * `rcf nab`: scores the NAB corpus in KDA mode, prints the fidelity to KDA and NAB's normalised scores.
 * @module
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  NAB_PROFILE_NAMES,
  readNabScoreboard,
  runNab,
  runNabDetector,
  type NabDetectorRunResult,
  type NabProfileResult,
  type NabRunResult,
  type NabScoreboard,
} from '../nab/index.js';
import { ProgressLine, UsageError, parsePositiveInteger, parseSeed, type CliIo } from './common.js';

/** KDA RCF's published NAB scores (NAB scoreboard, detector `randomCutForest`). */
export const KDA_PUBLISHED_NAB = Object.freeze({ standard: 51.717, reward_low_FP_rate: 38.361, reward_low_FN_rate: 59.749 });

/** Usage text of `rcf nab`. */
export const NAB_USAGE = `Usage: rcf nab [--data DIR] [--labels FILE] [--kda DIR] [--out DIR] [--seed S] [--detector] [--json]

Scores the Numenta Anomaly Benchmark corpus in KDA mode (100 trees, subSampleSize 256, timeDecay 100000,
shingle 1), compares the scores with KDA's own outputs, and prints NAB's normalised score per profile
(scores divided by log2(subSampleSize) = 8, threshold swept over the whole corpus). With --detector,
scores it with AnomalyDetector instead (one per file, its defaults, each row with its timestamp): its
alarms (IS_ANOMALY) are the detections, scored by NAB's rules as they are (fixed threshold, no sweep).

Options:
  --data DIR     NAB folder (holding data/ and labels/) or its data folder (required; NAB is not bundled:
                 clone https://github.com/numenta/NAB, MIT licence, and pass its folder)
  --labels FILE  labelled windows (default <nab>/labels/combined_windows.json)
  --kda DIR      KDA outputs to compare with (default <nab>/kda when present)
  --out DIR      also write <DIR>/<category>/<file>.csv with timestamp,value,ANOMALY_SCORE
                 (with --detector: timestamp,value,ANOMALY_SCORE,ANOMALY_GRADE,IS_ANOMALY)
  --seed S       forest (or detector) seed (default 42)
  --trees N, --sample-size N, --time-decay N, --shingle-size N   forest settings (KDA's by default)
  --detector     score with AnomalyDetector's alarms (not with --kda or the forest settings)
  --json         print the results as JSON
  -h, --help     show this help

Examples:
  rcf nab --data NAB                    # NAB = a copy of https://github.com/numenta/NAB
  rcf nab --data NAB --seed 7 --json > nab.json
  rcf nab --data NAB/data --labels NAB/labels/combined_windows.json --out out/nab
  rcf nab --data NAB --detector
`;

interface NabPaths {
  dataDir: string;
  labelsFile: string;
  kdaDir: string | undefined;
  resultsFile: string | undefined;
}

/** How many data files NAB's corpus has: its scoreboard ranks detectors over all of them. */
export const NAB_CORPUS_FILES = 58;

function resolvePaths(data: string | undefined, labels: string | undefined, kda: string | undefined): NabPaths {
  if (data === undefined) {
    throw new UsageError(
      'the NAB corpus is not bundled: pass --data DIR, a copy of https://github.com/numenta/NAB ' +
        '(MIT licence; the folder holding data/ and labels/) or its data folder',
    );
  }
  const root = resolve(data);
  // Either the NAB folder (holding data/) or its data folder.
  const isRoot = existsSync(join(root, 'data'));
  const dataDir = isRoot ? join(root, 'data') : root;
  const nabRoot = isRoot ? root : resolve(root, '..');
  if (!existsSync(dataDir)) {
    throw new UsageError(`--data must be a NAB folder or its data folder, got ${JSON.stringify(data)} (not found)`);
  }
  const labelsFile = labels === undefined ? join(nabRoot, 'labels', 'combined_windows.json') : resolve(labels);
  if (!existsSync(labelsFile)) throw new UsageError(`labels file not found: ${labelsFile} (pass --labels FILE)`);
  let kdaDir: string | undefined;
  if (kda !== undefined) {
    kdaDir = resolve(kda);
    if (!existsSync(kdaDir)) throw new UsageError(`--kda must be a folder, got ${JSON.stringify(kda)} (not found)`);
  } else if (existsSync(join(nabRoot, 'kda'))) kdaDir = join(nabRoot, 'kda');
  const results = join(nabRoot, 'results', 'final_results.json');
  return { dataDir, labelsFile, kdaDir, resultsFile: existsSync(results) ? results : undefined };
}

/** One profile's figures as `--json` prints them (with KDA's published score, when given, before the totals). */
function profileJson(r: NabProfileResult, kdaPublished?: number): Record<string, unknown> {
  return {
    profile: r.profile,
    threshold: r.threshold,
    rawScore: r.rawScore,
    nullScore: r.nullScore,
    perfectScore: r.perfectScore,
    normalizedScore: r.normalizedScore,
    ...(kdaPublished === undefined ? {} : { kdaPublished }),
    totals: r.totals,
    files: r.files,
  };
}

const fmt = (x: number, digits: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits));

/**
 * Formats the fidelity and NAB tables of a run.
 * @example
 * process.stdout.write(formatNabReport(result, scoreboard));
 */
export function formatNabReport(result: NabRunResult, scoreboard: NabScoreboard | undefined): string {
  const s = result.settings;
  const lines: string[] = [];
  lines.push(
    `NAB corpus: ${result.files} files, ${result.rows.toLocaleString('en-US')} rows, KDA mode (${s.numberOfTrees} trees, ` +
      `subSampleSize ${s.subSampleSize}, timeDecay ${s.timeDecay}, shingle ${s.shingleSize}, seed ${String(s.seed)}); ` +
      `forest time ${result.seconds.toFixed(1)} s (${Math.round(result.rows / Math.max(result.seconds, 1e-9)).toLocaleString('en-US')} rows/s)`,
  );
  if (result.fidelity.length > 0) {
    const warmup = s.subSampleSize + s.shingleSize - 1;
    lines.push('', `Fidelity to KDA (${result.fidelity.length} files with a KDA output; rows after the first ${warmup}; KDA score x8)`);
    const w = Math.max(...result.fidelity.map((f) => f.name.length), 'median'.length);
    lines.push(`${'file'.padEnd(w)}  ${'rows'.padStart(6)}  pearson  spearman  mean ratio  first ${warmup} = 0`);
    for (const f of result.fidelity) {
      lines.push(
        `${f.name.padEnd(w)}  ${String(f.rows).padStart(6)}  ${fmt(f.pearson, 4).padStart(7)}  ${fmt(f.spearman, 4).padStart(8)}  ` +
          `${fmt(f.meanRatio, 4).padStart(10)}  ${f.warmupZero ? 'yes' : 'NO'}${f.flat ? '  (flat: correlations undefined)' : ''}`,
      );
    }
    const m = result.fidelitySummary!;
    lines.push(
      `${`median (${m.nonFlat} non-flat)`.padEnd(w + 8)}  ${fmt(m.medianPearson, 4).padStart(7)}  ${fmt(m.medianSpearman, 4).padStart(8)}  ` +
        `${fmt(m.medianMeanRatio, 4).padStart(10)}  ${m.allWarmupZero ? 'yes' : 'NO'}`,
    );
    lines.push(`min Pearson ${fmt(m.minPearson, 4)}`);
  }
  lines.push('', `NAB normalised score (scores / log2(${s.subSampleSize}) = /${fmt(result.scale, 0)}, one threshold per profile swept over the corpus)`);
  const kdaBoard = scoreboard?.['randomCutForest'];
  lines.push(`${'profile'.padEnd(20)}  threshold   raw score   this library   KDA RCF`);
  for (const r of result.nab) {
    const name = r.profile as keyof typeof KDA_PUBLISHED_NAB;
    const kda = kdaBoard?.[name] ?? KDA_PUBLISHED_NAB[name];
    lines.push(
      `${r.profile.padEnd(20)}  ${fmt(r.threshold, 6).padStart(9)}  ${fmt(r.rawScore, 3).padStart(10)}  ${fmt(r.normalizedScore, 3).padStart(13)}  ${fmt(kda, 3).padStart(8)}`,
    );
  }
  const subset = result.files < NAB_CORPUS_FILES;
  if (subset) {
    lines.push(
      '',
      `Subset: these scores cover ${result.files} of NAB's ${NAB_CORPUS_FILES} files, so they are not comparable with ` +
        `NAB's scoreboard (every detector there is scored on all ${NAB_CORPUS_FILES}); not ranked in it.`,
    );
  }
  if (scoreboard !== undefined) {
    lines.push('', `NAB scoreboard (results/final_results.json, all ${NAB_CORPUS_FILES} files), by standard score`);
    const rows = Object.entries(scoreboard).map(([name, v]) => ({ name, v }));
    if (!subset) {
      rows.push({
        name: '(this library)',
        v: Object.fromEntries(result.nab.map((r) => [r.profile, r.normalizedScore])),
      });
    }
    rows.sort((a, b) => (b.v['standard'] ?? -Infinity) - (a.v['standard'] ?? -Infinity));
    const w = Math.max(...rows.map((r) => r.name.length));
    lines.push(`${'detector'.padEnd(w)}  ${NAB_PROFILE_NAMES.map((p) => p.padStart(18)).join('  ')}`);
    for (const r of rows) {
      lines.push(`${r.name.padEnd(w)}  ${NAB_PROFILE_NAMES.map((p) => fmt(r.v[p] ?? Number.NaN, 3).padStart(18)).join('  ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Formats the NAB table of an AnomalyDetector run (`rcf nab --detector`).
 * @example
 * process.stdout.write(formatNabDetectorReport(await runNabDetector({ dataDir: 'NAB/data' }), undefined));
 */
export function formatNabDetectorReport(result: NabDetectorRunResult, scoreboard: NabScoreboard | undefined): string {
  const lines: string[] = [];
  lines.push(
    `NAB corpus: ${result.files} files, ${result.rows.toLocaleString('en-US')} rows, AnomalyDetector (one per file, its defaults, ` +
      `seed ${String(result.seed)}); detector time ${result.seconds.toFixed(1)} s ` +
      `(${Math.round(result.rows / Math.max(result.seconds, 1e-9)).toLocaleString('en-US')} rows/s)`,
    `${result.alarms} alarms; ${result.windowsHit}/${result.windows} windows hit; ${result.alarmsOutside} alarms outside windows after the probationary period`,
    '',
    'NAB normalised score (alarms as detections, IS_ANOMALY 1/0, scored as they are: fixed threshold 0.5, no sweep)',
    `${'profile'.padEnd(20)}   raw score   this detector   KDA RCF (swept)`,
  );
  for (const r of result.nab) {
    const name = r.profile as keyof typeof KDA_PUBLISHED_NAB;
    const kda = scoreboard?.['randomCutForest']?.[name] ?? KDA_PUBLISHED_NAB[name];
    lines.push(`${r.profile.padEnd(20)}  ${fmt(r.rawScore, 3).padStart(10)}  ${fmt(r.normalizedScore, 3).padStart(14)}  ${fmt(kda, 3).padStart(16)}`);
  }
  if (result.files < NAB_CORPUS_FILES) {
    lines.push(
      '',
      `Subset: these scores cover ${result.files} of NAB's ${NAB_CORPUS_FILES} files, so they are not comparable with ` +
        `NAB's scoreboard (every detector there is scored on all ${NAB_CORPUS_FILES}); not ranked in it.`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * Runs `rcf nab` with the given arguments; returns the exit code.
 * @example
 * const code = await nabCommand(['--seed', '7', '--json'], { stdout: process.stdout, stderr: process.stderr });
 */
export async function nabCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    allowPositionals: false,
    strict: true,
    options: {
      data: { type: 'string' },
      labels: { type: 'string' },
      kda: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      trees: { type: 'string' },
      'sample-size': { type: 'string' },
      'time-decay': { type: 'string' },
      'shingle-size': { type: 'string' },
      json: { type: 'boolean', default: false },
      detector: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help === true) {
    io.stdout.write(NAB_USAGE);
    return 0;
  }
  if (values.detector === true) {
    const forestOnly = (['kda', 'trees', 'sample-size', 'time-decay', 'shingle-size'] as const).filter((k) => values[k] !== undefined);
    if (forestOnly.length > 0) {
      throw new UsageError(
        `--detector cannot be combined with ${forestOnly.map((k) => `--${k}`).join(', ')}: the detector runs with its own ` +
          'defaults (see docs/detector.md) and its alarms are not KDA scores to compare',
      );
    }
  }
  const paths = resolvePaths(values.data, values.labels, values.kda);
  const progress = new ProgressLine(io.stderr);
  const started = Date.now();
  let rowsDone = 0;
  const onFile = (e: { name: string; index: number; count: number; rows: number }) => {
    rowsDone += e.rows;
    const secs = (Date.now() - started) / 1000;
    progress.update(`rcf nab: ${e.index + 1}/${e.count} files, ${rowsDone.toLocaleString('en-US')} rows, ${Math.round(rowsDone / Math.max(secs, 1e-3)).toLocaleString('en-US')} rows/s  ${e.name}`, true);
  };
  if (values.detector === true) {
    const result = await runNabDetector({
      dataDir: paths.dataDir,
      labelsFile: paths.labelsFile,
      ...(values.out === undefined ? {} : { outDir: resolve(values.out) }),
      seed: values.seed === undefined ? 42 : parseSeed(values.seed),
      onFile,
    });
    progress.done();
    const scoreboard = paths.resultsFile === undefined ? undefined : await readNabScoreboard(paths.resultsFile);
    if (values.json === true) {
      const json = {
        command: `rcf nab ${args.join(' ')}`.trim(),
        detector: 'AnomalyDetector',
        dataDir: paths.dataDir,
        labelsFile: paths.labelsFile,
        seed: result.seed,
        files: result.files,
        corpusFiles: NAB_CORPUS_FILES,
        subset: result.files < NAB_CORPUS_FILES,
        rows: result.rows,
        seconds: result.seconds,
        alarms: result.alarms,
        windows: result.windows,
        windowsHit: result.windowsHit,
        alarmsOutside: result.alarmsOutside,
        nab: result.nab.map((r) => profileJson(r)),
        scoreboard: scoreboard ?? null,
      };
      io.stdout.write(JSON.stringify(json, null, 2) + '\n');
    } else {
      io.stdout.write(formatNabDetectorReport(result, scoreboard));
    }
    return 0;
  }
  const result = await runNab({
    dataDir: paths.dataDir,
    labelsFile: paths.labelsFile,
    ...(paths.kdaDir === undefined ? {} : { kdaDir: paths.kdaDir }),
    ...(values.out === undefined ? {} : { outDir: resolve(values.out) }),
    seed: values.seed === undefined ? 42 : parseSeed(values.seed),
    ...(values.trees === undefined ? {} : { numberOfTrees: parsePositiveInteger('--trees', values.trees) }),
    ...(values['sample-size'] === undefined ? {} : { subSampleSize: parsePositiveInteger('--sample-size', values['sample-size']) }),
    ...(values['time-decay'] === undefined ? {} : { timeDecay: parsePositiveInteger('--time-decay', values['time-decay']) }),
    ...(values['shingle-size'] === undefined ? {} : { shingleSize: parsePositiveInteger('--shingle-size', values['shingle-size']) }),
    onFile,
  });
  progress.done();
  const scoreboard = paths.resultsFile === undefined ? undefined : await readNabScoreboard(paths.resultsFile);
  if (values.json === true) {
    const json = {
      command: `rcf nab ${args.join(' ')}`.trim(),
      dataDir: paths.dataDir,
      labelsFile: paths.labelsFile,
      kdaDir: paths.kdaDir ?? null,
      settings: result.settings,
      scale: result.scale,
      files: result.files,
      corpusFiles: NAB_CORPUS_FILES,
      subset: result.files < NAB_CORPUS_FILES,
      rows: result.rows,
      seconds: result.seconds,
      fidelitySummary: result.fidelitySummary ?? null,
      fidelity: result.fidelity,
      nab: result.nab.map((r) =>
        profileJson(r, scoreboard?.['randomCutForest']?.[r.profile] ?? KDA_PUBLISHED_NAB[r.profile as keyof typeof KDA_PUBLISHED_NAB]),
      ),
      scoreboard: scoreboard ?? null,
    };
    io.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    io.stdout.write(formatNabReport(result, scoreboard));
  }
  return 0;
}
