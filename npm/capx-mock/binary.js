"use strict";
// Where this platform's capx-mock binary is: in the one optional dependency npm installed for
// this os/cpu/libc (the esbuild way: no postinstall, no download), or CAPX_MOCK_BINARY.
const { CapxMockError } = require("./error.js");

const EXE = process.platform === "win32" ? "capx-mock.exe" : "capx-mock";

/** `linux-x64`, `linux-x64-musl`, `win32-x64`, …: the suffix of the package that fits here. */
function platformKey() {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform !== "linux") return base;
  // Node reports the glibc it runs on, and nothing on musl (Alpine).
  const header = /** @type {{ glibcVersionRuntime?: string }} */ (process.report.getReport().header);
  return header.glibcVersionRuntime ? base : `${base}-musl`;
}

/** The path of the binary to run; throws a CapxMockError `no_binary` naming what to install. */
function binaryPath() {
  const override = process.env.CAPX_MOCK_BINARY;
  if (override) return override;
  const key = platformKey();
  // The static musl build runs on any x64 Linux, so a glibc system falls back to it.
  const names = [`capx-mock-${key}`, ...(key.endsWith("-musl") || process.platform !== "linux" ? [] : [`capx-mock-${key}-musl`])];
  for (const name of names) {
    try {
      return require.resolve(`${name}/bin/${EXE}`);
    } catch {
      // not installed: try the next, then explain
    }
  }
  const built = Object.keys(require("./package.json").optionalDependencies ?? {});
  const { version } = require("./package.json");
  if (built.includes(names[0])) {
    throw new CapxMockError(
      "no_binary",
      `capx-mock has no binary installed for ${key}: install ${names[0]}@${version} (npm install -D ${names[0]}@${version}). ` +
        "npm installs it along with capx-mock unless optional dependencies were left out (--omit=optional, --no-optional, or a lockfile made on another platform).",
    );
  }
  throw new CapxMockError(
    "no_binary",
    `capx-mock has no prebuilt binary for ${key} (there are: ${built.map((n) => n.replace("capx-mock-", "")).join(", ")}; macOS needs Apple's SDK to build). ` +
      "Build one with `cargo build --release -p capx-mock` in the capx repository and set CAPX_MOCK_BINARY to its path.",
  );
}

exports.binaryPath = binaryPath;
