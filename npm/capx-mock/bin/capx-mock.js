#!/usr/bin/env node
"use strict";
// `npx capx-mock [flags]`: the binary itself, with this process as a transparent shell around
// it: same arguments, same stdin/stdout/stderr, its exit code, and signals passed on to it.
const { spawn } = require("node:child_process");
const { binaryPath } = require("../binary.js");

let bin;
try {
  bin = binaryPath();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
const child = spawn(bin, process.argv.slice(2), { stdio: "inherit" });
const SIGNALS = /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"]);
// The binary decides what a signal means (it saves --state and exits 0); this process only
// passes it on and waits.
for (const signal of SIGNALS) process.on(signal, () => child.kill(signal));
child.on("error", (e) => {
  console.error(`capx-mock: cannot run ${bin}: ${e.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  // Killed by a signal: end the same way, so a caller sees what a caller of the binary sees.
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
