// A PATH without Rust: every directory that holds cargo or rustc is left out, so a project
// shows that it installs and runs capx and capx-mock from prebuilt packages alone.
import { existsSync } from "node:fs";
import { join } from "node:path";

export function withoutRust(path) {
  return path.split(":").filter((dir) => !["cargo", "rustc"].some((tool) => existsSync(join(dir, tool)))).join(":");
}
