import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';
import * as io from '../src/io/index.js';
import * as nab from '../src/nab/index.js';
import * as node from '../src/node/index.js';
import * as parallel from '../src/parallel/index.js';
import * as report from '../src/report/index.js';

describe('public API', () => {
  it('the package root exports the forest and the streaming operators under the names the issues fix', () => {
    for (const name of [
      'RandomCutForest', 'StateError', 'randomCutForest', 'randomCutForestWithExplanation', 'shingles',
      'tumblingWindows', 'slidingWindows', 'staggerWindows', 'count', 'sum', 'avg', 'min', 'max', 'stddev',
      'first', 'last', 'InvalidRowError', 'LateRowError',
    ]) {
      expect(root, name).toHaveProperty(name);
    }
  });

  it('subpaths export I/O, NAB, reporting, the parallel forest and the Node stream adapters', () => {
    expect(io).toHaveProperty('CsvReader');
    expect(io).toHaveProperty('JsonlWriter');
    expect(nab).toHaveProperty('scoreNabCorpus');
    expect(report).toHaveProperty('anomalyChart');
    expect(parallel).toHaveProperty('ParallelForest');
    expect(node).toHaveProperty('createRandomCutForestStream');
    expect(node).toHaveProperty('createRandomCutForestWithExplanationStream');
    expect(root).not.toHaveProperty('createRandomCutForestStream'); // Node-only: random-cut-forest/node
  });
});
