// Walks a company's tasks page by page, then task by task across pages.
//
//   CAPX_API_KEY=capx_sk_test_... node examples/pagination.ts
// Node 22.18+ runs TypeScript as is. For a local capx-mock, add CAPX_BASE_URL=http://127.0.0.1:4010/v1.
import { Capx } from "capx";

const capx = new Capx();
const { data: company } = await capx.companies.create({ name: "Paging Co" });
for (let i = 1; i <= 45; i++) {
  await capx.tasks.create(company.id, { title: `Task ${i}`, priority: i % 5 === 0 ? "high" : "low" });
}

// Page by page: each page is the API's answer (data, meta, requestId) and knows the way on.
let page = await capx.tasks.list(company.id, { limit: 20 });
let pages = 1;
console.log(`page 1: ${page.data.length} tasks, request ${page.requestId}`);
while (page.hasNextPage()) {
  page = await page.nextPage(); // same filters and options, the next cursor
  console.log(`page ${++pages}: ${page.data.length} tasks`);
}

// Task by task: a page is also an async iterable over its tasks and every page after it.
let high = 0;
for await (const task of await capx.tasks.list(company.id, { priority: "high", limit: 4 })) {
  high++;
  if (task.priority !== "high") throw new Error(`filter not kept: ${task.id} is ${task.priority}`);
}
console.log(`high-priority tasks, four per request: ${high}`);

// iterate(): task by task, without holding pages. `break` ends it with no further request;
// the signal (a deadline here, or your shutdown's) bounds the whole walk.
let walked = 0;
for await (const task of capx.tasks.iterate(company.id, { status: "pending", limit: 10 }, { signal: AbortSignal.timeout(10_000) })) {
  walked++;
  if (task.title === "Task 30") break;
}
console.log(`iterate(), ten per request, up to "Task 30": ${walked} tasks`);
