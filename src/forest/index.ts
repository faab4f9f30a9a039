/** The forest engine: no Node-only imports, so it also runs in browsers and workers. @module */
export { RandomCutForest, type Attribution } from './forest.js';
export { type RandomCutForestOptions, DEFAULTS as FOREST_DEFAULTS, LIMITS as FOREST_LIMITS, defaultBoxCacheMinMass } from './options.js';
export { MAX_BOX_VALUE } from './tree.js';
export { StateError, STATE_VERSION, type ForestState, type TreeState } from './state.js';
export { ScoreThresholder, type ScoreThresholderOptions, type GradedScore } from './thresholder.js';
