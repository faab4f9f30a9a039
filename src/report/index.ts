/** Reporting helpers: strongest events of a scored series, and an SVG chart of it. @module */
export { topEvents, type ScoredEvent } from './events.js';
export { anomalyChart, type AnomalyChartInput, type ChartMarker, type ChartWindow } from './svg-chart.js';
