// One cold start, in a fresh process. `capx`: import the package (which compiles and
// instantiates the wasm synchronously), construct a client, parse a first envelope — what a
// Node serverless function pays before its first answer. `empty`: import an empty module, the
// baseline the same process start pays anyway.
const t0 = performance.now();
if (process.argv[2] === "empty") {
  await import("./empty.mjs");
  console.log(JSON.stringify({ importMs: performance.now() - t0 }));
} else {
  const { Capx, parseEnvelope } = await import("capx");
  const t1 = performance.now();
  new Capx({ apiKey: "capx_sk_test_coldstart" });
  const t2 = performance.now();
  parseEnvelope(200, '{"success":true,"data":{"id":"co_1"},"meta":{"credits_used":1,"credits_remaining":9}}');
  const t3 = performance.now();
  console.log(JSON.stringify({ importMs: t1 - t0, firstClientMs: t2 - t1, firstCallMs: t3 - t2, totalMs: t3 - t0 }));
}
