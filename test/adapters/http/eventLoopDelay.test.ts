// The event loop's delay under prom-client's names, sampled once a second: what a reading of
// Node's histogram becomes (the sampling interval taken out), and what a scrape prints.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DELAY_GAUGES, delaySeconds, eventLoopDelayGauges, readDelays } from '../../../src/adapters/http/eventLoopDelay.js';

describe('a reading of the delay histogram', () => {
  it('takes the one-second interval out of each recorded value, in seconds, never below 0', () => {
    expect(delaySeconds(1_002_500_000)).toBeCloseTo(0.0025, 9);
    expect(delaySeconds(1_000_000_000)).toBe(0);
    expect(delaySeconds(999_000_000)).toBe(0); // a timer a hair early is not negative lag
    expect(delaySeconds(12_000_000, 10)).toBeCloseTo(0.002, 9);
  });

  it('reports every statistic that way, the spread as it is, and zeros before the first sample', () => {
    const histogram = {
      count: 3,
      min: 1_000_100_000,
      max: 1_250_000_000,
      mean: 1_050_000_000,
      stddev: 20_000_000,
      percentile: (p: number) => ({ 50: 1_001_000_000, 90: 1_100_000_000, 99: 1_240_000_000 })[p] as number,
    };
    const read = readDelays(histogram);
    expect(read.min).toBeCloseTo(0.0001, 9);
    expect(read.max).toBeCloseTo(0.25, 9);
    expect(read.mean).toBeCloseTo(0.05, 9);
    expect(read.stddev).toBeCloseTo(0.02, 9);
    expect(read.p50).toBeCloseTo(0.001, 9);
    expect(read.p90).toBeCloseTo(0.1, 9);
    expect(read.p99).toBeCloseTo(0.24, 9);
    expect(readDelays({ ...histogram, count: 0 })).toEqual({ min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 });
  });
});

describe('the gauges', () => {
  it("print prom-client's seven names with finite values; stopping ends the sampling", async () => {
    const registry = new Registry();
    const stop = eventLoopDelayGauges(registry);
    try {
      const text = await registry.metrics();
      for (const stat of DELAY_GAUGES) {
        const value = new RegExp(`^nodejs_eventloop_lag_${stat}_seconds (\\S+)$`, 'm').exec(text)?.[1];
        expect(Number.isFinite(Number(value)), `${stat}: ${value}`).toBe(true);
        expect(Number(value)).toBeGreaterThanOrEqual(0);
      }
    } finally {
      stop();
    }
  });
});
