import { describe, expect, it } from 'vitest';
import { count, randomCutForest, randomCutForestWithExplanation, slidingWindows, staggerWindows, tumblingWindows } from '../../src/index.js';
import { createRandomCutForestStream } from '../../src/node/index.js';
import { untouchable } from './helpers.js';

/** Calls from plain JavaScript: options are not type-checked. */
const js = <F extends (...args: never[]) => unknown>(f: F) => f as unknown as (...args: unknown[]) => unknown;
const aggregate = { n: count() };

describe('unknown options are refused, naming the option and the closest valid one', () => {
  const cases: [string, () => unknown, string][] = [
    ['randomCutForest numTrees', () => js(randomCutForest)(untouchable, { numTrees: 5 }), 'randomCutForest: unknown option "numTrees" (did you mean "numberOfTrees"?'],
    ['randomCutForest sampleSize', () => js(randomCutForest)(untouchable, { sampleSize: 64 }), 'unknown option "sampleSize" (did you mean "subSampleSize"?'],
    ['randomCutForest shingle', () => js(randomCutForest)(untouchable, { shingle: 2 }), 'unknown option "shingle" (did you mean "shingleSize"?'],
    ['randomCutForest resume', () => js(randomCutForest)(untouchable, { resumefrom: 'start' }), 'unknown option "resumefrom" (did you mean "resumeFrom"?'],
    ['explanation withDirection', () => js(randomCutForestWithExplanation)(untouchable, { withDirection: true }), 'unknown option "withDirection" (did you mean "withDirectionality"?'],
    ['checkpoint.evry', () => js(randomCutForest)(untouchable, { checkpoint: { evry: 5, save: () => {} } }), 'unknown option "checkpoint.evry" (did you mean "checkpoint.every"?'],
    ['Node stream', () => js(createRandomCutForestStream)({ numberTrees: 5 }), 'createRandomCutForestStream: unknown option "numberTrees" (did you mean "numberOfTrees"?'],
    ['tumbling windowSize', () => js(tumblingWindows)(untouchable, { windowSize: 5, aggregate }), 'tumblingWindows: unknown option "windowSize" (did you mean "size"?'],
    ['tumbling partitionby', () => js(tumblingWindows)(untouchable, { size: 5, partitionby: 'k', aggregate }), 'unknown option "partitionby" (did you mean "partitionBy"?'],
    ['tumbling aggregates', () => js(tumblingWindows)(untouchable, { size: 5, aggregates: aggregate }), 'unknown option "aggregates" (did you mean "aggregate"?'],
    ['tumbling watermark.outOfOrder', () => js(tumblingWindows)(untouchable, { size: 5, aggregate, watermark: { outOfOrder: 5 } }), 'unknown option "watermark.outOfOrder" (did you mean "watermark.outOfOrderness"?'],
    ['tumbling onlate', () => js(tumblingWindows)(untouchable, { size: 5, aggregate, onlate: () => {} }), 'unknown option "onlate" (did you mean "onLate"?'],
    ['stagger size', () => js(staggerWindows)(untouchable, { size: 5, range: 5, partitionBy: 'k', aggregate }), 'staggerWindows: unknown option "size" (did you mean "time"?'],
    ['sliding frame', () => js(slidingWindows)(untouchable, { range: 5, row: 2 }, { aggregate }), 'slidingWindows: unknown option "frame.row" (did you mean "frame.rows"?'],
    ['sliding options', () => js(slidingWindows)(untouchable, { rows: 2 }, { aggregate, tme: 't' }), 'slidingWindows: unknown option "tme" (did you mean "time"?'],
  ];
  for (const [label, call, message] of cases) {
    it(label, () => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
      expect(call).toThrow(/valid options: /);
    });
  }

  it('known options still pass', () => {
    expect(() => randomCutForest(untouchable, { numberOfTrees: 5, resumeFrom: 'position', checkpoint: { every: 2, save: () => {} } })).not.toThrow();
    expect(() => tumblingWindows(untouchable, { size: 5, offset: 1, partitionBy: 'k', aggregate, watermark: { outOfOrderness: 1, allowedLateness: 1 } })).not.toThrow();
  });
});
