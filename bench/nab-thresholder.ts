/**
 * NAB score of ScoreThresholder's alarms: the forest in KDA mode (seed 42) over the NAB corpus, each
 * file's scores graded by a fresh ScoreThresholder, an alarm counting as a detection. No threshold is
 * searched: the alarms are scored as they are, for a range of z. For comparison, the raw scores with
 * the best corpus-wide threshold (NAB's sweep, which needs the labels) are printed too.
 * Run: `npm run build && node dist/bench/nab-thresholder.js` (needs ../shared/nab).
 * @module
 */
import { join } from 'node:path';
import { ScoreThresholder } from '../src/forest/thresholder.js';
import { loadNabCorpus, scoreNabCorpus, scoreSeriesKdaMode } from '../src/nab/index.js';
import { sharedDir } from './data.js';

const nab = join(sharedDir(), 'nab');
const corpus = await loadNabCorpus({ dataDir: join(nab, 'data'), labelsFile: join(nab, 'labels', 'combined_windows.json') });
const scores = corpus.map((f) => scoreSeriesKdaMode(f.values, { seed: 42 }));
const fixed = { standard: 0.5, reward_low_FP_rate: 0.5, reward_low_FN_rate: 0.5 };
const line = (label: string, results: ReturnType<typeof scoreNabCorpus>) =>
  `| ${label} | ${results.map((r) => r.normalizedScore.toFixed(2)).join(' | ')} |`;
const rows = ['| detector | standard | reward_low_FP_rate | reward_low_FN_rate |', '| --- | ---: | ---: | ---: |'];
rows.push(line('raw scores / 8, best corpus-wide threshold (swept on the labels)', scoreNabCorpus(corpus.map((f, i) => ({ name: f.name, windows: f.windows, scores: Array.from(scores[i]!, (s) => s / 8) })))));
for (const z of [4, 5, 6, 7, 8]) {
  let alarms = 0;
  const files = corpus.map((f, i) => {
    const thresholder = new ScoreThresholder({ z });
    const detections: number[] = Array.from(scores[i]!, (s) => (thresholder.grade(s).isAlarm ? 1 : 0));
    alarms += detections.reduce((a, b) => a + b, 0);
    return { name: f.name, windows: f.windows, scores: detections };
  });
  rows.push(line(`ScoreThresholder alarms, z ${z}${z === 6 ? ' (default)' : ''}, no search (${alarms} alarms)`, scoreNabCorpus(files, { thresholds: fixed })));
}
console.log(rows.join('\n'));
