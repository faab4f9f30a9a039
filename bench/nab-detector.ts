/**
 * NAB score of AnomalyDetector's alarms: one detector per file, `new AnomalyDetector({ dimensions: 1,
 * seed: 42 })` fed every row with its timestamp, an alarm (`isAnomaly`) counting as a detection (1,
 * else 0). No threshold is searched: the alarms are scored as they are (NAB's scorer at a fixed
 * threshold of 0.5), as bench/nab-thresholder.ts scores ScoreThresholder's. Prints the three profiles
 * for the whole corpus, the tuning categories (artificialNoAnomaly, artificialWithAnomaly,
 * realAWSCloudwatch, realAdExchange) and the hold-out (realKnownCause, realTraffic, realTweets).
 *
 * Run: `npm run build && node dist/bench/nab-detector.js` (needs ../shared/nab, or $RCF_SHARED/nab).
 * Environment, for tuning only: `DETECT_OPTIONS='{"zFactor":3.5}'` overrides detector options;
 * `DETECT_SUBSET=tuning` scores the tuning categories only (the hold-out is not even run);
 * `DETECT_PER_CATEGORY=1` adds a row per category; `DETECT_FILES=1` lists each file's windows and alarms.
 * @module
 */
import { join } from 'node:path';
import type { AnomalyDetectorOptions } from '../src/detect/index.js';
import { countNabAlarms, detectNabFile, loadNabCorpus, NAB_ALARM_THRESHOLDS, scoreNabCorpus } from '../src/nab/index.js';
import { sharedDir } from './data.js';

const TUNING = ['artificialNoAnomaly', 'artificialWithAnomaly', 'realAWSCloudwatch', 'realAdExchange'];
const HOLD_OUT = ['realKnownCause', 'realTraffic', 'realTweets'];

const extra = JSON.parse(process.env.DETECT_OPTIONS ?? '{}') as Partial<AnomalyDetectorOptions>;
const subset = process.env.DETECT_SUBSET ?? 'all';
const nab = join(sharedDir(), 'nab');
const corpus = (await loadNabCorpus({ dataDir: join(nab, 'data'), labelsFile: join(nab, 'labels', 'combined_windows.json') })).filter(
  (f) => subset === 'all' || TUNING.includes(f.name.split('/')[0]!),
);

const start = performance.now();
const detected = corpus.map((f) => {
  const { flags } = detectNabFile(f, { dimensions: 1, seed: 42, ...extra });
  return { name: f.name, windows: f.windows, scores: flags, flags };
});
const seconds = (performance.now() - start) / 1000;
const { alarms } = countNabAlarms(detected);

const rows = [
  `AnomalyDetector ${JSON.stringify({ dimensions: 1, seed: 42, ...extra })}: ${alarms} alarms over ${corpus.length} files, ${seconds.toFixed(1)} s`,
  '| files | standard | reward_low_FP_rate | reward_low_FN_rate |',
  '| --- | ---: | ---: | ---: |',
];
const groups: [string, readonly string[]][] = [
  ['whole corpus', [...TUNING, ...HOLD_OUT]],
  ['tuning (artificial*, realAWSCloudwatch, realAdExchange)', TUNING],
  ['hold-out (realKnownCause, realTraffic, realTweets)', HOLD_OUT],
];
for (const [label, categories] of groups) {
  const files = detected.filter((f) => categories.includes(f.name.split('/')[0]!));
  if (files.length === 0 || (subset !== 'all' && label === 'whole corpus')) continue;
  const results = scoreNabCorpus(files, { thresholds: NAB_ALARM_THRESHOLDS });
  const c = countNabAlarms(files);
  rows.push(`| ${label}, ${files.length} files (${c.windowsHit}/${c.windows} windows hit, ${c.alarmsOutside} alarms outside) | ${results.map((r) => r.normalizedScore.toFixed(2)).join(' | ')} |`);
}
if (process.env.DETECT_PER_CATEGORY) {
  for (const c of [...TUNING, ...HOLD_OUT]) {
    const files = detected.filter((f) => f.name.startsWith(`${c}/`));
    if (files.length === 0) continue;
    const results = scoreNabCorpus(files, { thresholds: NAB_ALARM_THRESHOLDS });
    rows.push(`| ${c} | ${results.map((r) => r.normalizedScore.toFixed(2)).join(' | ')} |`);
  }
}
console.log(rows.join('\n'));
if (process.env.DETECT_FILES) {
  for (const f of detected) {
    const at: number[] = [];
    f.scores.forEach((s, i) => s > 0 && at.push(i));
    console.log(f.name, f.scores.length, JSON.stringify(f.windows.map((w) => [w.start, w.end])), at.length, JSON.stringify(at.slice(0, 40)));
  }
}
