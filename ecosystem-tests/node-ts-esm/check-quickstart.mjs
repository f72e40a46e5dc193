// The README's Node quickstart (src/quickstart.ts, compiled by tsc): it must run to the end,
// list its task and print the CapxError of its last call.
import { spawnSync } from "node:child_process";

const { status, stdout, stderr } = spawnSync(process.execPath, ["dist/quickstart.js"], { encoding: "utf8" });
process.stdout.write(stdout + stderr);
const lines = stdout.split("\n");
if (status !== 0) throw new Error(`the quickstart exited with ${status}`);
if (!lines[0].startsWith("pending_approval ")) throw new Error("the quickstart's task did not wait for approval");
if (!lines.some((l) => l.startsWith("Generate Q2 market report "))) throw new Error("the quickstart's for await listed nothing");
if (!stderr.startsWith("not_found 404 ")) throw new Error("the quickstart did not catch its CapxError");
console.log("node-ts-esm: the README's Node quickstart runs as written");
