// A V8 CPU profile of what runs while `work()` does, taken over the inspector protocol, summed
// into self time per function: what `node --experimental-websocket bench/workerd.mjs --profile`
// prints. The package's glue is minified, so a function in pkg/capx.js is shown with the
// source around where it starts.
import { readFileSync } from "node:fs";

// `inspectorUrl`: the address of an inspector (ws: or http:; its /json lists the targets).
export async function profile(inspectorUrl, work, { calls, top = 25 }) {
  const list = new URL("/json", inspectorUrl);
  list.protocol = "http:";
  const [target] = await (await fetch(list)).json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const pending = new Map();
  let lastId = 0;
  socket.onmessage = ({ data }) => {
    const { id, result, error } = JSON.parse(data);
    pending.get(id)?.(error ? Promise.reject(new Error(error.message)) : result);
    pending.delete(id);
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++lastId;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 20 });
  await send("Profiler.start");
  await work();
  const { profile: p } = await send("Profiler.stop");
  socket.close();

  const nodes = new Map(p.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map();
  const groups = new Map();
  const add = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n);
  for (const id of p.samples) {
    const { functionName, url, lineNumber, columnNumber } = nodes.get(id);
    const file = url.split("/").pop();
    add(self, `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}:${columnNumber + 1}` : ""}`, 1);
    const group = /^wasm-function/.test(functionName) ? "wasm" : /wasm-to-js|js-to-wasm/.test(functionName) ? "trampolines wasm<->JS" : file || functionName || "(anonymous)";
    add(groups, group, 1);
  }
  const micros = (p.endTime - p.startTime) / p.samples.length / calls;
  const glue = new Map();
  const excerpt = (key) => {
    const at = / (\S+\.js):(\d+):(\d+)$/.exec(key);
    if (!at || !at[1].startsWith("capx")) return "";
    if (!glue.has(at[1])) glue.set(at[1], readFileSync(new URL(`../pkg/${at[1]}`, import.meta.url), "utf8").split("\n"));
    const line = glue.get(at[1])[at[2] - 1] ?? "";
    return `  «${line.slice(Math.max(0, at[3] - 30), Number(at[3]) + 50)}»`;
  };
  const table = (map, n, withExcerpt) =>
    [...map]
      .sort((x, y) => y[1] - x[1])
      .slice(0, n)
      .map(([key, samples]) => `    ${(samples * micros).toFixed(2).padStart(6)} µs  ${key}${withExcerpt ? excerpt(key) : ""}`)
      .join("\n");
  console.log(`  ${p.samples.length} samples over ${calls} calls, ${(p.samples.length * micros).toFixed(2)} µs a call; self time a call by group:`);
  console.log(table(groups, top, false));
  console.log("  by function:");
  console.log(table(self, top, true));
}
