// `for await` over 10 000 tasks: how far the heap grows while iterating, measured after a
// forced GC every 500 tasks. Constant memory means one page in memory at a time, whatever
// the number of tasks. Run with --expose-gc.
import { Capx } from "capx";
import { baseUrl, freshKey, fmt, report } from "./lib.mjs";

const total = 10_000;
const capx = new Capx({ apiKey: freshKey("heap"), baseUrl });
const { data: company } = await capx.companies.create({ name: "Heap" });
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < total) {
      const i = next++;
      await capx.tasks.create(company.id, { title: `Task ${i}`, metadata: { i, note: "x".repeat(64) } });
    }
  }),
);

const mb = (bytes) => bytes / 1024 / 1024;
const heap = () => {
  globalThis.gc();
  return process.memoryUsage();
};
const start = heap();
let peakHeap = 0;
let peakRss = 0;
let seen = 0;
const ids = new Set();
for await (const task of capx.tasks.iterate(company.id, { limit: 100 })) {
  ids.add(task.id);
  if (++seen % 500 === 0) {
    const now = heap();
    peakHeap = Math.max(peakHeap, now.heapUsed - start.heapUsed);
    peakRss = Math.max(peakRss, now.rss - start.rss);
  }
}
if (seen !== total || ids.size !== total) throw new Error(`iterated ${seen} tasks, ${ids.size} distinct, of ${total}`);
// The ids kept for the check above are the test's memory, not the iterator's: 10 000 short strings.
console.log(`  ${seen} tasks, 100 per page: heap growth peak ${fmt(mb(peakHeap))} MB (includes the test's own Set of ids), RSS growth peak ${fmt(mb(peakRss))} MB`);
report({ figure: "`for await` over 10 000 tasks: heap growth", baseline: "—", measured: `${fmt(mb(peakHeap))} MB`, target: "≤ 10 MB", met: mb(peakHeap) <= 10 });
