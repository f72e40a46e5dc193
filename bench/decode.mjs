// Turning a 100-task list page into JS objects: `parseEnvelope` (every check of seed 000's
// envelope, the rate-limit headers, the ApiResult) against `JSON.parse` plus the same checks
// written in plain JavaScript.
import { parseEnvelope } from "capx";
import { alternate, median, fmt, report } from "./lib.mjs";

const statuses = ["pending", "pending_approval", "in_progress", "completed", "rejected", "failed"];
const page = {
  success: true,
  data: Array.from({ length: 100 }, (_, i) => ({
    id: `tsk_${i.toString(36).padStart(8, "0")}`,
    title: `Generate Q${(i % 4) + 1} market report #${i}`,
    agent_id: `ag_${(i % 7).toString(36)}n4ly5t`,
    status: statuses[i % statuses.length],
    priority: ["low", "medium", "high", "critical"][i % 4],
    created_at: `2026-05-25T10:${String(i % 60).padStart(2, "0")}:00Z`,
  })),
  meta: { cursor: "eyJpZCI6InRza18xMDAifQ", has_more: true, credits_used: 1, credits_remaining: 9973 },
};
const text = JSON.stringify(page);
const headers = new Headers({ "x-ratelimit-limit": "60", "x-ratelimit-remaining": "42", "x-ratelimit-reset": "1716700000" });

function plain(status, body, h) {
  let root;
  try {
    root = JSON.parse(body);
  } catch {
    throw new Error("invalid_response");
  }
  if (root === null || typeof root !== "object" || Array.isArray(root) || root.success !== true) throw new Error("invalid_response");
  const { data, meta } = root;
  if (data === undefined || meta === null || typeof meta !== "object") throw new Error("invalid_response");
  if (typeof meta.credits_used !== "number" || typeof meta.credits_remaining !== "number") throw new Error("invalid_response");
  if (meta.cursor !== undefined && meta.cursor !== null && typeof meta.cursor !== "string") throw new Error("invalid_response");
  if (meta.has_more !== undefined && typeof meta.has_more !== "boolean") throw new Error("invalid_response");
  const num = (name) => {
    const v = h.get(name);
    return v !== null && /^\d+$/.test(v.trim()) ? Number(v) : null;
  };
  const limit = num("x-ratelimit-limit");
  const remaining = num("x-ratelimit-remaining");
  const reset = num("x-ratelimit-reset");
  const rateLimit = limit !== null && remaining !== null && reset !== null ? { limit, remaining, reset } : null;
  return { data, meta, rateLimit, status };
}

// ns per decode over `n` decodes.
function time(decode, n) {
  const started = performance.now();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += decode(200, text, headers).data.length;
  if (sink !== n * 100) throw new Error("wrong result");
  return ((performance.now() - started) * 1e6) / n;
}

const same = JSON.stringify(parseEnvelope(200, text, headers)) === JSON.stringify(plain(200, text, headers));
if (!same) throw new Error("the two decoders disagree");
const n = 2000;
time(plain, n);
time(parseEnvelope, n);
const { a: base, b: ours } = await alternate(15, () => time(plain, n), () => time(parseEnvelope, n));
const ratio = median(ours) / median(base);
console.log(`  ${text.length} bytes per page; JSON.parse + checks ${fmt(median(base) / 1000)} µs, parseEnvelope ${fmt(median(ours) / 1000)} µs`);
report({
  figure: "decoding a 100-task list page into JS objects vs JSON.parse + plain JS checks",
  baseline: `1.0 (${fmt(median(base) / 1000)} µs)`,
  measured: `${fmt(ratio)}× the time (${fmt(median(ours) / 1000)} µs)`,
  target: "≤ 1.5×",
  met: ratio <= 1.5,
});
