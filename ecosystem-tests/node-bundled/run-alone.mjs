// Runs a bundle from an empty folder, with no node_modules in reach: what a deploy of the
// bundle alone gets. The bundle must carry capx's wasm itself.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const bundle = process.argv[2];
const alone = mkdtempSync(join(tmpdir(), "capx-bundle-"));
try {
  copyFileSync(bundle, join(alone, basename(bundle)));
  execFileSync(process.execPath, [join(alone, basename(bundle))], { cwd: alone, stdio: "inherit" });
} finally {
  rmSync(alone, { recursive: true, force: true });
}
