/**
 * RandomCutForest: orchestrates the shingle, the point store, the samplers, the trees and the
 * visitors. It holds no algorithm of its own.
 * @module
 */
import { resolveForestOptions, type RandomCutForestOptions, type ResolvedForestOptions } from './options.js';
import { PointStore } from './point-store.js';
import { treeRandoms, type TreeRandom } from './random.js';
import { Sampler, SamplerStorage, samplerKey } from './sampler.js';
import { ShingleBuffer } from './shingle.js';
import { forestFromState, forestToState, type ForestState } from './state.js';
import { forestFromBytes, forestToBytes } from './state-binary.js';
import { MAX_BOX_VALUE, RandomCutTree, cachesNoBox, roundPointBox } from './tree.js';
import { TreeStorages, type TreeStorage } from './tree-storage.js';
import { addTreeAttribution } from './visitors/attribution.js';
import { scoreTree } from './visitors/score.js';

/**
 * An anomaly score split per dimension and direction; `high` and `low` sum to `score`.
 * @example
 * const { score, high, low } = forest.attribution([120, 80]);
 * const byColumn = Array.from(high, (h, j) => h + low[j]!); // shingleSize 1
 */
export interface Attribution {
  /** The anomaly score, bit-identical to `forest.score(record)`. */
  score: number;
  /**
   * Part of the score due to values above what the trees hold, per dimension of the shingled point:
   * entry `position * dimensions + column`, position 0 being the oldest record of the shingle.
   */
  high: Float64Array;
  /** Part of the score due to values below what the trees hold, laid out as `high`. */
  low: Float64Array;
}

/**
 * The parts of a new forest holding trees `[from, to)` of the forest `o` describes: an empty store,
 * empty trees and samplers in shared storages, and each tree's random stream as in the full forest.
 */
function emptyParts(o: ResolvedForestOptions, from: number, to: number): ForestParts {
  const D = o.dimensions * o.shingleSize;
  const n = to - from;
  const storages = new TreeStorages(D, o.subSampleSize, n, !cachesNoBox(o.boxCacheMinMass, o.subSampleSize));
  const samplerStorage = new SamplerStorage(o.subSampleSize, n);
  const trees: RandomCutTree[] = [];
  const samplers: Sampler[] = [];
  for (let t = 0; t < n; t++) {
    trees.push(new RandomCutTree(D, o.subSampleSize, o.boxCacheMinMass, storages.next()));
    samplers.push(new Sampler(o.subSampleSize, samplerStorage));
  }
  return {
    store: new PointStore(D, n * o.subSampleSize + 1, 256, o.dimensions),
    trees,
    samplers,
    randoms: treeRandoms(o.seed, to).slice(from),
    shingle: new ShingleBuffer(o.dimensions, o.shingleSize),
    pointsSeen: 0,
    recordsSeen: 0,
  };
}

/** @internal The parts of a forest, as a restored checkpoint provides them. */
export interface ForestParts {
  store: PointStore;
  trees: RandomCutTree[];
  samplers: Sampler[];
  randoms: TreeRandom[];
  shingle: ShingleBuffer;
  pointsSeen: number;
  recordsSeen: number;
}

/**
 * A Random Cut Forest that scores a stream one record at a time, as Kinesis Data Analytics'
 * RANDOM_CUT_FOREST does: same parameters, defaults, warm-up and score scale.
 *
 * @example
 * import { RandomCutForest } from 'random-cut-forest';
 * const forest = new RandomCutForest({ dimensions: 1, seed: 42 });
 * for (const value of [10, 11, 9, 10, 12, 10 /* ... *\/]) {
 *   const score = forest.process([value]); // 0 for the first 256 records, then ~0.7-1 normal, >2 odd
 * }
 */
export class RandomCutForest {
  /** Values per input record. */
  readonly dimensions: number;
  /** Records per shingle. */
  readonly shingleSize: number;
  /** Trees in the forest. */
  readonly numberOfTrees: number;
  /** Points each tree samples. */
  readonly subSampleSize: number;
  /** The sampler's memory in points: decay rate 1 / timeDecay. */
  readonly timeDecay: number;
  /** Points the trees must have seen before scores are non-zero. */
  readonly outputAfter: number;
  /** The seed every random choice derives from. */
  readonly seed: string;
  /** Subtrees of fewer points have no cached bounding box (the default, 3: only two-point subtrees). */
  readonly boxCacheMinMass: number;

  /** @internal */ readonly store: PointStore;
  /** @internal */ readonly trees: RandomCutTree[];
  /** @internal */ readonly samplers: Sampler[];
  /** @internal */ readonly randoms: TreeRandom[];
  /** @internal */ readonly shingle: ShingleBuffer;
  /** Scratch: the shingled point being scored or inserted. */
  private readonly point: Float64Array;
  private readonly work: Float64Array;
  /** The point being learned, rounded as boxes hold it (mins, then maxes). */
  private readonly pointBox: Float64Array;
  /** @internal Points (shingles) that have reached the trees. */
  pointsSeen = 0;
  /** @internal Records passed to update. */
  recordsSeen = 0;

  /**
   * @param options `dimensions` and any of KDA's parameters; see {@link RandomCutForestOptions}.
   * @throws TypeError / RangeError naming the option, the value and the allowed range.
   */
  constructor(options: RandomCutForestOptions, parts?: ForestParts) {
    const o: ResolvedForestOptions = resolveForestOptions(options);
    this.dimensions = o.dimensions;
    this.shingleSize = o.shingleSize;
    this.numberOfTrees = o.numberOfTrees;
    this.subSampleSize = o.subSampleSize;
    this.timeDecay = o.timeDecay;
    this.outputAfter = o.outputAfter;
    this.seed = o.seed;
    this.boxCacheMinMass = o.boxCacheMinMass;
    const D = o.dimensions * o.shingleSize;
    // A restored checkpoint's parts (state.ts has built and validated every one), or empty ones.
    const p = parts ?? emptyParts(o, 0, o.numberOfTrees);
    this.store = p.store;
    this.trees = p.trees;
    this.samplers = p.samplers;
    this.randoms = p.randoms;
    this.shingle = p.shingle;
    this.pointsSeen = p.pointsSeen;
    this.recordsSeen = p.recordsSeen;
    this.point = new Float64Array(D);
    this.work = new Float64Array(2 * D);
    this.pointBox = new Float64Array(2 * D);
  }

  /** Points (shingles) that have reached the trees. */
  get totalUpdates(): number {
    return this.pointsSeen;
  }

  /** Records passed to `update` (or `process`). */
  get recordsProcessed(): number {
    return this.recordsSeen;
  }

  /** True once scores are no longer 0: `outputAfter` points have reached the trees. */
  get isReady(): boolean {
    return this.pointsSeen >= this.outputAfter;
  }

  /**
   * Anomaly score of `record`, without learning it: the mean over trees of the expected inverse
   * depth (KDA's scale: about 0.7-1 for ordinary points, above 1 and up to log2(subSampleSize) for
   * anomalies). 0 until the forest is ready.
   * @throws TypeError / RangeError for a record of the wrong length or with a non-finite value.
   * @example
   * const score = forest.score([42]);
   */
  score(record: ArrayLike<number>): number {
    this.checkRecord(record);
    return this.scoreChecked(record);
  }

  /**
   * Learns `record`: appends it to the shingle and, once the shingle is full, offers the shingled
   * point to every tree's sampler.
   * @throws TypeError / RangeError for a bad record; the forest is then unchanged.
   * @example
   * forest.update([42]);
   */
  update(record: ArrayLike<number>): void {
    this.checkRecord(record);
    this.updateChecked(record);
  }

  /**
   * KDA's per-row step: the score of `record`, then `update(record)`.
   * @throws TypeError / RangeError for a bad record; the forest is then unchanged.
   * @example
   * const scores = values.map((v) => forest.process([v]));
   */
  process(record: ArrayLike<number>): number {
    this.checkRecord(record);
    const score = this.scoreChecked(record);
    this.updateChecked(record);
    return score;
  }

  /**
   * The score of `record` split per dimension of the shingled point and per direction (KDA's
   * explanation). All zero, like the score, until the forest is ready.
   * @example
   * const { score, high, low } = forest.attribution([120, 80]);
   * // high[j] + low[j] is column j's share of the score (shingleSize 1)
   */
  attribution(record: ArrayLike<number>): Attribution {
    this.checkRecord(record);
    const D = this.point.length;
    const high = new Float64Array(D);
    const low = new Float64Array(D);
    if (!this.shingle.readyAfterNext || !this.isReady) return { score: 0, high, low };
    this.shingle.peek(record, this.point);
    let sum = 0;
    for (let t = 0; t < this.numberOfTrees; t++) {
      sum += addTreeAttribution(this.trees[t]!, this.store, this.point, this.work, high, low);
    }
    const n = this.numberOfTrees;
    for (let i = 0; i < D; i++) {
      high[i]! /= n;
      low[i]! /= n;
    }
    return { score: sum / n, high, low };
  }

  /**
   * The forest's whole state as plain JSON-safe data (options, seed, counters, shingle, points,
   * samplers, trees and random generators). `RandomCutForest.fromJSON` restores a forest that
   * continues with bit-identical scores.
   * @example
   * const saved = JSON.stringify(forest); // calls toJSON
   * const again = RandomCutForest.fromJSON(JSON.parse(saved));
   */
  toJSON(): ForestState {
    return forestToState(this);
  }

  /**
   * Restores a forest from `toJSON()`'s output.
   * @throws StateError naming the failed check (format, version, content); nothing is half-restored.
   * @example
   * const forest = RandomCutForest.fromJSON(JSON.parse(readFileSync('forest.json', 'utf8')));
   */
  static fromJSON(state: unknown): RandomCutForest {
    return forestFromState(state);
  }

  /**
   * The forest's state in a compact binary form with a format version and a CRC-32 checksum
   * (smaller than the forest in memory: masses and boxes are rebuilt on restore).
   * @example
   * writeFileSync('forest.rcf', forest.toBytes());
   */
  toBytes(): Uint8Array {
    return forestToBytes(this);
  }

  /**
   * Restores a forest from `toBytes()`'s output.
   * @throws StateError naming the failed check (format, version, length, checksum, content).
   * @example
   * const forest = RandomCutForest.fromBytes(readFileSync('forest.rcf'));
   */
  static fromBytes(bytes: Uint8Array): RandomCutForest {
    return forestFromBytes(bytes);
  }

  /**
   * @internal For the parallel forest (src/parallel): a forest holding only trees `[from, to)` of
   * the forest that `options` (with a resolved `seed`) describes, each tree with the same random
   * stream as in the full forest, so each tree evolves and scores exactly as it would there.
   */
  static subsetOfTrees(options: RandomCutForestOptions, from: number, to: number): RandomCutForest {
    const o = resolveForestOptions(options);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to <= from || to > o.numberOfTrees) {
      throw new RangeError(`subsetOfTrees: [${from}, ${to}) is not a range of the ${o.numberOfTrees} trees`);
    }
    return new RandomCutForest({ ...options, seed: o.seed, numberOfTrees: to - from }, emptyParts(o, from, to));
  }

  /**
   * @internal For the parallel forest: writes tree t's score of `record` (not yet divided by the
   * tree count) into `out[offset + t]` for every tree and returns true; returns false, writing
   * nothing, while scores are 0. `score(record)` is the sum of these in tree order over the tree
   * count, which is how the parallel forest recombines its workers' trees bit for bit.
   */
  scorePerTree(record: ArrayLike<number>, out: Float64Array, offset = 0): boolean {
    this.checkRecord(record);
    if (!this.shingle.readyAfterNext || !this.isReady) return false;
    this.shingle.peek(record, this.point);
    for (let t = 0; t < this.numberOfTrees; t++) out[offset + t] = scoreTree(this.trees[t]!, this.store, this.point);
    return true;
  }

  /** Bytes held by the forest's typed arrays (point store, tree storages with their box pools, samplers, shingle). */
  get byteLength(): number {
    let bytes = this.store.byteLength + this.shingle.ring.byteLength;
    const storages = new Set<TreeStorage>();
    for (const tree of this.trees) storages.add(tree.storage);
    for (const storage of storages) bytes += storage.byteLength;
    const samplerStorages = new Set<SamplerStorage>();
    for (const sampler of this.samplers) samplerStorages.add(sampler.storage);
    for (const storage of samplerStorages) bytes += storage.byteLength;
    return bytes;
  }

  private scoreChecked(record: ArrayLike<number>): number {
    if (!this.shingle.readyAfterNext || !this.isReady) return 0;
    this.shingle.peek(record, this.point);
    let sum = 0;
    for (let t = 0; t < this.numberOfTrees; t++) sum += scoreTree(this.trees[t]!, this.store, this.point);
    return sum / this.numberOfTrees;
  }

  private updateChecked(record: ArrayLike<number>): void {
    const complete = this.shingle.readyAfterNext;
    if (complete) this.shingle.peek(record, this.point);
    this.shingle.push(record);
    this.recordsSeen++;
    if (!complete) return;
    const point = this.point;
    const store = this.store;
    const slot = store.add(point);
    const t = this.pointsSeen++;
    const lambda = 1 / this.timeDecay;
    let rounded = false; // pointBox holds this point's rounded box (computed at the first insert)
    for (let i = 0; i < this.numberOfTrees; i++) {
      const sampler = this.samplers[i]!;
      const rng = this.randoms[i]!;
      let u = rng.nextDouble();
      while (u === 0) u = rng.nextDouble();
      if (sampler.isFull && sampler.surelyRejects(lambda, t, u)) continue; // most draws: no logs
      const key = samplerKey(lambda, t, u);
      if (sampler.isFull && key >= sampler.maxKey) continue; // not sampled
      if (!rounded) {
        roundPointBox(point, this.pointBox);
        rounded = true;
      }
      const tree = this.trees[i]!;
      if (!sampler.isFull) {
        store.incRef(tree.insert(point, this.pointBox, slot, store, rng));
        sampler.push(key, tree.insertedLeaf);
      } else {
        const evicted = tree.leafPoint[sampler.topLeaf]!;
        tree.delete(evicted, store);
        store.incRef(tree.insert(point, this.pointBox, slot, store, rng));
        sampler.replaceTop(key, tree.insertedLeaf);
        store.decRef(evicted);
      }
    }
    store.releaseIfUnused(slot);
  }

  private checkRecord(record: ArrayLike<number>): void {
    if (record === null || typeof record !== 'object' || typeof record.length !== 'number') {
      throw new TypeError(`record must be an array of ${this.dimensions} numbers, got ${String(record)}`);
    }
    if (record.length !== this.dimensions) {
      throw new RangeError(`record must have ${this.dimensions} values (dimensions), got ${record.length}`);
    }
    for (let i = 0; i < record.length; i++) {
      const v = record[i];
      if (typeof v !== 'number') throw new TypeError(`record[${i}] must be a number, got ${typeof v} ${String(v)}`);
      if (!(Math.abs(v) <= MAX_BOX_VALUE)) {
        throw new RangeError(`record[${i}] must be a finite number within +-${MAX_BOX_VALUE} (float32 boxes), got ${v}`);
      }
    }
  }
}
