// The event loop's delay under prom-client's default names (nodejs_eventloop_lag_{min,max,mean,
// stddev,p50,p90,p99}_seconds), sampled once a second. prom-client samples it every 10 ms: a
// timer that woke the idle daemon 100 times a second. Node's histogram records the time between
// two of its timer's callbacks, the interval included (at prom-client's 10 ms every value is
// 0.01 s or more); at one second that would read as a second of lag, so the interval is taken
// out: what is reported is how late each sample came. Each scrape reports the samples since the
// scrape before (as prom-client does). nodejs_eventloop_lag_seconds stays prom-client's own,
// measured at each scrape.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

export const SAMPLE_MS = 1000;
/** The gauges this replaces among prom-client's defaults. */
export const DELAY_GAUGES = ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'] as const;
/** Scrapes this close together share one reading (a scrape reads all seven gauges, one after another). */
const SAME_SCRAPE_MS = 100;

type Stat = (typeof DELAY_GAUGES)[number];

const HELP: Record<Stat, string> = {
  min: 'The minimum recorded event loop delay.',
  max: 'The maximum recorded event loop delay.',
  mean: 'The mean of the recorded event loop delays.',
  stddev: 'The standard deviation of the recorded event loop delays.',
  p50: 'The 50th percentile of the recorded event loop delays.',
  p90: 'The 90th percentile of the recorded event loop delays.',
  p99: 'The 99th percentile of the recorded event loop delays.',
};

/** Seconds of delay from a recorded interval (ns): the sampling interval taken out, never below 0. */
export function delaySeconds(recordedNs: number, intervalMs = SAMPLE_MS): number {
  return Math.max(0, recordedNs - intervalMs * 1e6) / 1e9;
}

/** One reading of the histogram, in seconds of delay (all 0 before the first sample). */
export function readDelays(histogram: Pick<IntervalHistogram, 'count' | 'min' | 'max' | 'mean' | 'stddev' | 'percentile'>): Record<Stat, number> {
  if (histogram.count === 0) return { min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 };
  return {
    min: delaySeconds(histogram.min),
    max: delaySeconds(histogram.max),
    mean: delaySeconds(histogram.mean),
    stddev: histogram.stddev / 1e9,
    p50: delaySeconds(histogram.percentile(50)),
    p90: delaySeconds(histogram.percentile(90)),
    p99: delaySeconds(histogram.percentile(99)),
  };
}

/** Registers the seven gauges in `registry` (prom-client's own must be removed first); returns a stop. */
export function eventLoopDelayGauges(registry: Registry): () => void {
  const histogram = monitorEventLoopDelay({ resolution: SAMPLE_MS });
  histogram.enable();
  let reading: { at: number; values: Record<Stat, number> } | null = null;
  const current = (): Record<Stat, number> => {
    const now = Date.now();
    if (reading === null || now - reading.at > SAME_SCRAPE_MS) {
      reading = { at: now, values: readDelays(histogram) };
      histogram.reset();
    }
    return reading.values;
  };
  for (const stat of DELAY_GAUGES) {
    new Gauge({
      name: `nodejs_eventloop_lag_${stat}_seconds`,
      help: HELP[stat],
      registers: [registry],
      collect() {
        this.set(current()[stat]);
      },
    });
  }
  return () => histogram.disable();
}
