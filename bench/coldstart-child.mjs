// One cold start, in a fresh process: import the package (which compiles and instantiates
// the wasm synchronously) and construct a client.
const t0 = performance.now();
const { Capx } = await import("capx");
const t1 = performance.now();
new Capx({ apiKey: "capx_sk_test_coldstart" });
const t2 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, firstClientMs: t2 - t1 }));
