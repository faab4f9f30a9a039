/**
 * The baselines of docs/detector.md on the same split as bench/nab-detector.ts: KDA-mode forest
 * scores (seed 42) / 8 with NAB's corpus threshold swept on the labels, and ScoreThresholder's alarms
 * at its default (z 6, no search), for the whole corpus, the tuning categories and the hold-out.
 * Run: `npm run build && node dist/bench/nab-split-baselines.js` (needs ../shared/nab).
 * @module
 */
import { join } from 'node:path';
import { ScoreThresholder } from '../src/forest/index.js';
import { loadNabCorpus, scoreNabCorpus, scoreSeriesKdaMode } from '../src/nab/index.js';
import { sharedDir } from './data.js';

const TUNING = ['artificialNoAnomaly', 'artificialWithAnomaly', 'realAWSCloudwatch', 'realAdExchange'];
const HOLD_OUT = ['realKnownCause', 'realTraffic', 'realTweets'];

const nab = join(sharedDir(), 'nab');
const corpus = await loadNabCorpus({ dataDir: join(nab, 'data'), labelsFile: join(nab, 'labels', 'combined_windows.json') });
const raw = corpus.map((f) => scoreSeriesKdaMode(f.values, { seed: 42 }));
const swept = corpus.map((f, i) => ({ name: f.name, windows: f.windows, scores: Array.from(raw[i]!, (s) => s / 8) }));
const alarms = corpus.map((f, i) => {
  const thresholder = new ScoreThresholder();
  return { name: f.name, windows: f.windows, scores: Array.from(raw[i]!, (s) => (thresholder.grade(s).isAlarm ? 1 : 0)) };
});
const fixed = { standard: 0.5, reward_low_FP_rate: 0.5, reward_low_FN_rate: 0.5 };
const rows = ['| detector | files | standard | reward_low_FP_rate | reward_low_FN_rate |', '| --- | --- | ---: | ---: | ---: |'];
for (const [label, categories] of [
  ['whole corpus', [...TUNING, ...HOLD_OUT]],
  ['tuning', TUNING],
  ['hold-out', HOLD_OUT],
] as const) {
  const pick = <T extends { name: string }>(files: T[]) => files.filter((f) => categories.includes(f.name.split('/')[0]!));
  const a = scoreNabCorpus(pick(swept));
  const b = scoreNabCorpus(pick(alarms), { thresholds: fixed });
  rows.push(`| KDA score / 8, threshold swept on the labels | ${label} | ${a.map((r) => r.normalizedScore.toFixed(2)).join(' | ')} |`);
  rows.push(`| ScoreThresholder alarms (default) | ${label} | ${b.map((r) => r.normalizedScore.toFixed(2)).join(' | ')} |`);
}
console.log(rows.join('\n'));
