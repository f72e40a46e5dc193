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
// Twice: the first full GC leaves what only finalizers release.
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage();
};
// The heap after a full GC, before the loop and every 500 tasks in it. Growth is the spread
// between the highest and the lowest of these: a bound that counts the leftovers of the
// creation phase and the check's own Set of 10 000 ids against the iterator.
const samples = [heap()];
let seen = 0;
const ids = new Set();
for await (const task of capx.tasks.iterate(company.id, { limit: 100 })) {
  ids.add(task.id);
  if (++seen % 500 === 0) samples.push(heap());
}
if (seen !== total || ids.size !== total) throw new Error(`iterated ${seen} tasks, ${ids.size} distinct, of ${total}`);
const used = samples.map((m) => m.heapUsed);
const rss = samples.map((m) => m.rss);
const growth = mb(Math.max(...used) - Math.min(...used));
console.log(`  ${seen} tasks, 100 per page; heap after GC: ${fmt(mb(used[0]))} MB before, ${fmt(mb(used[1]))} MB after 500 tasks, ${fmt(mb(used.at(-1)))} MB after ${seen}`);
console.log(`  spread over the loop: heap ${fmt(growth)} MB, RSS ${fmt(mb(Math.max(...rss) - Math.min(...rss)))} MB`);
report({ figure: "`for await` over 10 000 tasks: heap growth", baseline: "—", measured: `≤ ${fmt(growth)} MB`, target: "≤ 10 MB", met: growth <= 10 });
