// One ecosystem run at a time per cache folder: two runs would publish over each other's capx
// and empty each other's work folders. A lock left by a process that is gone is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
};

export async function lock(dir, { waitMs = 30 * 60_000 } = {}) {
  const path = join(dir, "run.lock");
  const deadline = Date.now() + waitMs;
  for (let said = false; ; said = true) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, "pid"), String(process.pid));
      const release = () => rmSync(path, { recursive: true, force: true });
      process.once("exit", release);
      return release;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      const owner = Number(readFileSync(join(path, "pid"), { encoding: "utf8", flag: "a+" }));
      if (owner && !alive(owner)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another ecosystem run (pid ${owner}) still holds ${path}`);
      if (!said) console.log(`waiting for another ecosystem run (pid ${owner}) to finish`);
      await sleep(2000);
    }
  }
}
