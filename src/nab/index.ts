/**
 * The Numenta Anomaly Benchmark: NAB's scoring rules on in-memory arrays, and loaders for the corpus,
 * its labels, detector outputs and result tables.
 * @example
 * import { loadNabCorpus, scoreNabCorpus } from './nab/index.js';
 * const corpus = await loadNabCorpus({ dataDir: 'NAB/data' });
 * const results = scoreNabCorpus(corpus.map((f) => ({ name: f.name, windows: f.windows, scores: myScores(f) })));
 * for (const r of results) console.log(r.profile, r.normalizedScore.toFixed(3));
 * @module
 */
export {
  NAB_PROFILES,
  NAB_PROFILE_NAMES,
  NAB_PROBATION_PERCENT,
  NAB_NO_DETECTION_THRESHOLD,
  scaledSigmoid,
  probationLength,
  normalizeNabScore,
  prepareNabFile,
  scoreNabFile,
  sweepNabThreshold,
  scoreNabCorpus,
  type NabProfileName,
  type NabProfile,
  type RowWindow,
  type PreparedNabFile,
  type NabFileResult,
  type NabFileInput,
  type NabThresholdSweep,
  type NabProfileResult,
  type NabCorpusOptions,
} from './scoring.js';
export {
  parseNabTimestamp,
  rowWindows,
  readNabLabels,
  listNabFiles,
  readTimeSeriesCsv,
  loadNabCorpus,
  readNabDetectorOutputs,
  readNabResultsCsv,
  isDirectory,
  readNabScoreboard,
  type NabScoreboard,
  type NabWindowLimits,
  type NabLabels,
  type NabCorpusFile,
  type LoadNabCorpusOptions,
  type NabDetectorOutput,
  type NabResultRow,
} from './corpus.js';
export { pearson, spearman, ranks, mean, median } from './stats.js';
export {
  runNab,
  scoreSeriesKdaMode,
  compareWithKda,
  summarizeFidelity,
  kdaModeSettings,
  type KdaModeOptions,
  type KdaModeSettings,
  type NabFileFidelity,
  type NabFidelitySummary,
  type NabRunOptions,
  type NabRunResult,
} from './run.js';
export {
  runNabDetector,
  detectNabFile,
  countNabAlarms,
  NAB_ALARM_THRESHOLDS,
  type NabDetectorRunOptions,
  type NabDetectorRunResult,
  type NabFileDetections,
  type NabAlarmCounts,
} from './detector-run.js';
