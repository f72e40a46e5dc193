// Shows what the client logs: to the console while debugging, to your own logger in production.
//
//   CAPX_API_KEY=capx_sk_test_... node examples/logging.ts
//   CAPX_LOG=info node examples/logging.ts     # a client without logLevel follows CAPX_LOG
// Node 22.18+ runs TypeScript as is. For a local capx-mock, add CAPX_BASE_URL=http://127.0.0.1:4010/v1.
// Log lines never hold the key or a header; at "debug", bodies have key-like text taken out.
import { Capx, type Logger } from "capx";

// "debug": one line per attempt (method, path, status, duration, request id), retries,
// throttle waits, stream reconnections and bodies.
const debug = new Capx({ logLevel: "debug", logger: console });
const { data: company } = await debug.companies.create({ name: "Logged Co" });

// Your own logger: any object with error, warn, info and debug. Here, structured lines.
const lines: { level: string; message: string; at: string }[] = [];
const toJson = (level: string) => (message: string) => {
  lines.push({ level, message, at: new Date().toISOString() });
};
const logger: Logger = { error: toJson("error"), warn: toJson("warn"), info: toJson("info"), debug: toJson("debug") };

// "info": one line per attempt; a call that fails for good adds an "error" line.
const capx = new Capx({ logLevel: "info", logger });
await capx.tasks.create(company.id, { title: "Logged task" });
await capx.tasks.get(company.id, "task_missing").catch(() => {});
for (const line of lines) console.log(JSON.stringify(line));

// No logLevel: CAPX_LOG decides ("off" when unset).
await new Capx().companies.get(company.id);
