/**
 * Click-stream anomalies, as in KDA's anomaly-detection tutorial: aggregate a click stream per minute
 * with a tumbling window, then score the per-minute rows with RANDOM_CUT_FOREST_WITH_EXPLANATION.
 *
 * The KDA SQL application this reproduces:
 *
 *   CREATE OR REPLACE PUMP "MINUTE_PUMP" AS INSERT INTO "PER_MINUTE"
 *     SELECT STREAM STEP(c.ROWTIME BY INTERVAL '1' MINUTE) AS minute,
 *            COUNT(*) AS clicks, COUNT(DISTINCT user_id) AS users, AVG(latency_ms) AS mean_latency_ms
 *     FROM "SOURCE_SQL_STREAM_001" c
 *     GROUP BY STEP(c.ROWTIME BY INTERVAL '1' MINUTE);
 *   CREATE OR REPLACE PUMP "SCORE_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
 *     SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(
 *       CURSOR(SELECT STREAM clicks, users, mean_latency_ms FROM "PER_MINUTE"), 100, 256, 100000, 1, true));
 *
 * Run: npm run build && node dist/examples/clickstream-anomalies.js
 * The click stream is generated with a fixed seed, so every run prints the same result.
 */
import seedrandom from 'seedrandom';
import { avg, count, randomCutForestWithExplanation, tumblingWindows, type Reducer } from 'random-cut-forest';

interface Click {
  at: string; // "YYYY-MM-DD HH:MM:SS.ffffff", UTC, as Kinesis JSON often carries it
  userId: string;
  page: string;
  latencyMs: number;
}

const MINUTE = 60_000;
const START = Date.UTC(2024, 2, 1); // 2024-03-01 00:00 UTC
const MINUTES = 24 * 60;
const PAGES = ['/', '/search', '/product', '/cart', '/checkout'];

/** What happens, and when (minutes after the start). */
const INCIDENTS = {
  botBurst: 15 * 60 + 7, // 15:07: three users click 700 times
  slowBackend: 19 * 60 + 42, // 19:42: latency jumps tenfold
  outage: 21 * 60 + 15, // 21:15: almost no clicks get through
};

function timestamp(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}000`;
}

/** A day of clicks in time order, lazily generated with a fixed seed. */
function* clicks(seed = 'clickstream'): Generator<Click> {
  const rng = seedrandom(seed);
  for (let m = 0; m < MINUTES; m++) {
    const daily = 70 + 45 * Math.sin((2 * Math.PI * (m - 8 * 60)) / MINUTES); // busy afternoons
    let n = Math.max(0, Math.round(daily + 8 * (rng() + rng() + rng() - 1.5)));
    if (m === INCIDENTS.outage) n = 3;
    const bots = m === INCIDENTS.botBurst ? 700 : 0;
    const events: Click[] = [];
    for (let i = 0; i < n + bots; i++) {
      const isBot = i >= n;
      let latencyMs = 60 - 40 * Math.log(1 - rng()); // exponential around 100 ms
      if (m === INCIDENTS.slowBackend) latencyMs *= 10;
      events.push({
        at: timestamp(START + m * MINUTE + Math.floor(rng() * MINUTE)),
        userId: isBot ? `bot${i % 3}` : `u${Math.floor(rng() * 400)}`,
        page: PAGES[Math.floor(rng() * PAGES.length)] as string,
        latencyMs: Math.round(latencyMs),
      });
    }
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    yield* events;
  }
}

/** COUNT(DISTINCT userId) as a custom reducer. */
const distinctUsers: Reducer<Set<string>, Click, number> = {
  init: () => new Set(),
  add: (users, click) => users.add(click.userId),
  result: (users) => users.size,
};

const perMinute = tumblingWindows(clicks(), {
  size: MINUTE,
  time: 'at',
  aggregate: { clicks: count(), users: distinctUsers, meanLatencyMs: avg('latencyMs') },
});

const scored = [
  ...randomCutForestWithExplanation(perMinute, {
    columns: ['clicks', 'users', 'meanLatencyMs'], // windowStart / windowEnd are numbers too: not scored
    withDirectionality: true,
    seed: 7,
  }),
];

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
console.log(`${scored.length} one-minute windows scored; the first 256 are the forest's warm-up (score 0).`);
console.log('Top 5 minutes by ANOMALY_SCORE:\n');
for (const row of [...scored].sort((a, b) => b.ANOMALY_SCORE - a.ANOMALY_SCORE).slice(0, 5)) {
  const explanation = JSON.parse(row.ANOMALY_EXPLANATION) as Record<
    string,
    { DIRECTION: string; STRENGTH: string; ATTRIBUTION_SCORE: string }
  >;
  const [topColumn, top] = Object.entries(explanation).sort(
    (a, b) => Number(b[1].ATTRIBUTION_SCORE) - Number(a[1].ATTRIBUTION_SCORE),
  )[0] as [string, { DIRECTION: string; STRENGTH: string; ATTRIBUTION_SCORE: string }];
  console.log(
    `${hhmm(row.windowStart)}  score ${row.ANOMALY_SCORE.toFixed(3)}  clicks ${row.clicks}  users ${row.users}  ` +
      `latency ${(row.meanLatencyMs ?? 0).toFixed(0)} ms  -> mostly ${topColumn} ${top.DIRECTION} ` +
      `(${top.STRENGTH} sd from its recent mean)`,
  );
  console.log(`       ${row.ANOMALY_EXPLANATION}`);
}
const ordinary = scored.slice(256).map((r) => r.ANOMALY_SCORE).sort((a, b) => a - b);
console.log(`\nMedian score after warm-up: ${ordinary[Math.floor(ordinary.length / 2)]!.toFixed(3)}`);
console.log(
  `Incidents: bot burst ${hhmm(START + INCIDENTS.botBurst * MINUTE)}, slow backend ${hhmm(START + INCIDENTS.slowBackend * MINUTE)}, ` +
    `outage ${hhmm(START + INCIDENTS.outage * MINUTE)}`,
);
