// A runner small enough to work unchanged in Node, Deno, Bun, workerd, edge-runtime and a
// browser page: cases are [name, async fn] pairs; results are plain data.

export async function run(cases, log = () => {}) {
  const results = [];
  for (const [name, fn] of cases) {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - started });
      log(`ok - ${name}`);
    } catch (e) {
      const error = `${e?.name ?? "Error"}: ${e?.message ?? e}${e?.code ? ` [code ${e.code}]` : ""}`;
      results.push({ name, ok: false, ms: Date.now() - started, error });
      log(`not ok - ${name}: ${error}`);
    }
  }
  return results;
}

export function summary(runtime, results) {
  const failed = results.filter((r) => !r.ok).length;
  return `${runtime}: ${results.length - failed} passed, ${failed} failed`;
}

export class AssertionError extends Error {}

// `promise`, or `late` if it has not settled within 10 s: a hang fails its case with a
// message instead of stalling the whole run.
export async function within10s(promise, late) {
  let timer;
  const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve(late), 10_000)));
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function ok(value, message = "expected a truthy value") {
  if (!value) throw new AssertionError(message);
}

export function eq(actual, expected, message = "") {
  const a = canonical(actual);
  const b = canonical(expected);
  if (a !== b) throw new AssertionError(`${message ? message + ": " : ""}expected ${b}, got ${a}`);
}

function canonical(value) {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v === undefined ? "<undefined>" : v,
  );
}

// Awaits `promise` (or calls `fn`) and returns the CapxError it failed with, checking its code.
export async function fails(promiseOrFn, code, CapxError) {
  let error;
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    error = e;
  }
  ok(error !== undefined, `expected a CapxError with code ${code}, but nothing was thrown`);
  ok(error instanceof CapxError, `expected a CapxError, got ${error?.constructor?.name}: ${error?.message}`);
  ok(error instanceof Error, "a CapxError is an Error");
  eq(error.code, code, `code (message: ${error.message})`);
  return error;
}
