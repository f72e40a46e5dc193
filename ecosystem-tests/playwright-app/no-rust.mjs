// The point of this project: a user's app tested against capx-mock with no Rust anywhere.
// Shows the PATH the test runs with, that neither cargo nor rustc is on it, and that
// `npx capx-mock` is the binary from the platform package.
import { execFileSync, spawnSync } from "node:child_process";

console.log(`PATH=${process.env.PATH}`);
for (const tool of ["cargo", "rustc"]) {
  const found = spawnSync(tool, ["--version"]);
  if (found.error?.code !== "ENOENT") throw new Error(`${tool} is on the PATH`);
  console.log(`${tool}: not on the PATH`);
}
const help = execFileSync("npx", ["capx-mock", "--help"], { encoding: "utf8" });
if (!help.startsWith("usage: capx-mock")) throw new Error(`npx capx-mock --help printed: ${help}`);
console.log(`npx capx-mock --help: ${help.split("\n")[0]}`);
