// Child processes for the ecosystem runner, and for the projects' servers (copied into a
// project with serve.mjs). Always asynchronous: the local registry answers from the runner's
// own process, so a synchronous child would wait forever on it.
import { spawn } from "node:child_process";

/** Runs `cmd args` in `cwd`; resolves to its output, rejects with it on a non-zero exit. */
export function run(cmd, args, { cwd, env = process.env, timeoutMs = 15 * 60_000, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const take = (chunk) => {
      out += chunk;
      if (!quiet) process.stdout.write(chunk);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(Object.assign(new Error(`${cmd} ${args.join(" ")} exited with ${code ?? signal}`), { output: out }));
    });
  });
}

/** Starts a long-running child; `ready` resolves with the first match of `pattern` in its output. */
export function start(cmd, args, { cwd, env = process.env, pattern, timeoutMs = 120_000 }) {
  const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const take = (chunk) => {
      out += chunk;
      const match = out.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited with ${code} before it was ready:\n${out}`));
    });
  });
  ready.catch(() => {});
  // The whole process group: `next start` and friends run children of their own.
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  };
  return { child, ready, stop, output: () => out };
}
