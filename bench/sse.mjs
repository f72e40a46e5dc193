// Decoding a 10 MB activity stream into event objects, as each side is used: capx's
// `companies.activity()` (the WHATWG decoder in wasm, typed events, `for await`) against
// what a user would write instead, `eventsource-parser` fed through a TextDecoder with each
// event's data through JSON.parse, consumed the same way. Both read the same chunks from an
// in-memory body, so the network is out of the measurement. Also measured: a stream whose
// events each hold a nested object, which capx parses one event at a time.
import { Capx } from "capx";
import { createParser } from "eventsource-parser";
import { alternate, median, fmt, report } from "./lib.mjs";

const chunkSize = 16 * 1024;
const types = ["agent.heartbeat", "task.created", "task.completed", "task.approval_required"];

// A 10 MB stream of the seed's events (flat objects), or of events that each carry a nested
// object too, which capx parses one by one instead of a batch at a time (see core::activity).
function stream(nested) {
  let text = "";
  let events = 0;
  while (text.length < 10 * 1024 * 1024) {
    const data = { type: types[events % 4], task_id: `tsk_${events.toString(36)}`, agent_id: "ag_xyz", company_id: "co_abc123", timestamp: "2026-05-25T10:00:05Z" };
    if (nested) data.usage = { tokens: events % 977, cost: 0.25 };
    text += `id: ${events + 1}\nevent: activity\ndata: ${JSON.stringify(data)}\n\n`;
    if (events % 50 === 0) text += ": keepalive\n\n";
    events++;
  }
  const bytes = new TextEncoder().encode(text);
  const chunks = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return { text, bytes, chunks, events };
}

let { text, bytes, chunks, events } = stream(false);
const body = () =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

async function* baselineEvents(stream) {
  const queue = [];
  const parser = createParser({ onEvent: (e) => queue.push(e) });
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    for (const e of queue) yield JSON.parse(e.data);
    queue.length = 0;
  }
}

async function baseline() {
  let n = 0;
  for await (const e of baselineEvents(body())) if (e.type) n++;
  return n;
}

const capx = new Capx({
  apiKey: "capx_sk_test_sse",
  baseUrl: "https://api.capx.ai/v1",
  fetch: async () => new Response(body(), { headers: { "content-type": "text/event-stream" } }),
});
async function viaCapx() {
  let n = 0;
  // The body ends after the last event; stop there rather than reconnect.
  for await (const e of capx.companies.activity("co_abc123")) if (e.type && ++n === events) break;
  return n;
}

// The floor both sides share: every event's data, already split out, through JSON.parse and
// handed out one `for await` step at a time, the protocol capx's stream follows. A decoder
// that costs nothing would run at this speed.
const datas = text.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6));
async function floorOnly() {
  let i = 0;
  const parsed = {
    next: () => Promise.resolve(i < datas.length ? { value: JSON.parse(datas[i++]), done: false } : { value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  let n = 0;
  for await (const e of parsed) if (e.type) n++;
  return n;
}

async function mbPerSecond(decode) {
  const started = performance.now();
  const n = await decode();
  if (n !== events) throw new Error(`decoded ${n} of ${events} events`);
  return bytes.length / 1024 / 1024 / ((performance.now() - started) / 1000);
}

const sides = [baseline, viaCapx, floorOnly];
for (const decode of sides) await mbPerSecond(decode);
const { a: base, b: ours, c: floor } = await alternate(7, ...sides.map((decode) => () => mbPerSecond(decode)));
const ratio = median(ours) / median(base);
const ceiling = median(floor) / median(base);
console.log(`  ${fmt(bytes.length / 1024 / 1024)} MB, ${events} events in ${chunks.length} chunks`);
console.log(`  eventsource-parser + JSON.parse: ${base.map((r) => fmt(r, 1)).join(", ")} MB/s`);
console.log(`  capx.companies.activity():       ${ours.map((r) => fmt(r, 1)).join(", ")} MB/s`);
console.log(`  JSON.parse + for await alone:    ${floor.map((r) => fmt(r, 1)).join(", ")} MB/s (a decoder costing nothing: ${fmt(ceiling)}×)`);

// The same with events holding a nested object: capx's slower path.
({ text, bytes, chunks, events } = stream(true));
for (const decode of [baseline, viaCapx]) await mbPerSecond(decode);
const { a: nestedBase, b: nestedOurs } = await alternate(7, ...[baseline, viaCapx].map((decode) => () => mbPerSecond(decode)));
const nested = median(nestedOurs) / median(nestedBase);
console.log(`  events with a nested object (${events}): eventsource-parser ${fmt(median(nestedBase), 1)} MB/s, capx ${fmt(median(nestedOurs), 1)} MB/s: ${fmt(nested)}×`);
report({
  figure: "SSE decode throughput on a 10 MB stream vs eventsource-parser",
  baseline: `1.0 (${fmt(median(base), 1)} MB/s)`,
  measured: `${fmt(ratio)}× (${fmt(median(ours), 1)} MB/s; with a decoder costing nothing: ${fmt(ceiling)}×; events holding a nested object, parsed one by one: ${fmt(nested)}×)`,
  target: "≥ 1.5× faster",
  met: ratio >= 1.5,
});
