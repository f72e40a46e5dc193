// Shared by the benchmarks: the mock they run against, statistics, and the one-line
// result each benchmark prints for bench/run.sh to put in its table.

export const mockOrigin = process.env.CAPX_MOCK_ORIGIN;
export const baseUrl = `${mockOrigin}/v1`;

export function freshKey(tag = "bench") {
  return `capx_sk_test_${tag}${Math.random().toString(36).slice(2)}`;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const fmt = (n, digits = 2) => Number(n).toFixed(digits);

// What bench/run.sh collects: `figure | baseline | measured | target | met`.
export function report({ figure, baseline, measured, target, met }) {
  console.log(`RESULT ${JSON.stringify({ figure, baseline, measured, target, met })}`);
}

// Runs the benchmarks in alternating rounds so that drift in a shared, noisy machine hits
// them alike; returns the per-round results of each, keyed a, b, c… in the order given.
export async function alternate(rounds, ...benchmarks) {
  const results = benchmarks.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (const [j, run] of benchmarks.entries()) results[j].push(await run());
  }
  return Object.fromEntries(results.map((r, j) => [String.fromCharCode(97 + j), r]));
}
