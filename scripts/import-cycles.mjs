#!/usr/bin/env node
// Lists the import edges between the modules of a Rust crate and fails on a cycle.
//   node scripts/import-cycles.mjs DIR [--quiet]      (DIR: a crate's src/, e.g. mock/src)
// An edge A -> B is a path in A's file that names B: `crate::b::item` (also inside
// `use crate::{…}` groups and inline, as in `crate::b::f()`), or, in a parent, a path
// through one of its own children (`child::item` after `mod child;`). `mod child;` itself is
// no edge: declaring a module is not using it. A path resolves to the longest module it
// names (`crate::core::request::x` is `core::request`); a path to an item of the crate root
// (a re-export such as `crate::Config`) is an edge to the root, `crate`. Comments, strings
// and `$crate` are skipped; `super::` and `self::` are not followed.
// Exit status: 0 without a cycle, 1 with one (each cycle printed), 2 on bad usage.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

const [dir, ...flags] = process.argv.slice(2);
if (!dir || flags.some((f) => f !== "--quiet")) {
  console.error("usage: node scripts/import-cycles.mjs DIR [--quiet]");
  process.exit(2);
}
const quiet = flags.includes("--quiet");

/** Every .rs file under `root`, as module path => file. */
function modules(root) {
  const found = new Map();
  const hasLib = readdirSync(root).includes("lib.rs");
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".rs")) {
        const mod = moduleOf(relative(root, path), hasLib);
        if (mod) found.set(mod, path);
      }
    }
  };
  walk(root);
  return found;
}

/** `lib.rs` (or, alone, `main.rs`) => `crate`; `a/mod.rs` and `a.rs` => `a`; `a/b.rs` => `a::b`.
 * Beside a `lib.rs`, `main.rs` is a crate of its own (it reaches the library by its name), so
 * it is left out. */
function moduleOf(file, hasLib) {
  const parts = file.slice(0, -3).split(sep);
  if (parts.at(-1) === "mod") parts.pop();
  if (parts.length === 1 && parts[0] === "lib") return "crate";
  if (parts.length === 1 && parts[0] === "main") return hasLib ? null : "crate";
  return parts.join("::");
}

/** The source with comments, string and char literals blanked out (lifetimes kept). */
function code(text) {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      let depth = 0;
      do {
        if (text.startsWith("/*", i)) (depth++, (i += 2));
        else if (text.startsWith("*/", i)) (depth--, (i += 2));
        else i++;
      } while (depth > 0 && i < text.length);
      out += " ";
    } else if (/[rb]/.test(c) && /^(br|r)#*"/.test(text.slice(i, i + 260)) && !/\w/.test(text[i - 1] ?? "")) {
      const [open] = text.slice(i).match(/^(br|r)#*"/);
      const close = '"' + "#".repeat(open.split("#").length - 1);
      const end = text.indexOf(close, i + open.length);
      i = end < 0 ? text.length : end + close.length;
      out += '""';
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      out += '""';
    } else if (c === "'" && (next === "\\" || text[i + 2] === "'")) {
      // A char literal ('x', '\n', '\''); `'a` without a closing quote is a lifetime.
      i += next === "\\" ? 2 : 1;
      while (i < text.length && text[i] !== "'") i++;
      i++;
      out += "' '";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Module paths named by the paths in `src`, as lists of segments. */
function pathsIn(src, children) {
  const found = [];
  const ident = "[A-Za-z_][A-Za-z0-9_]*";
  // `use crate::{a, b::{c, d}, e::f}` (and `use crate::a::{…}`): expand the groups.
  const useRe = /\buse\s+(crate\s*::[^;]*);/g;
  for (const m of src.matchAll(useRe)) found.push(...expand(m[1].replace(/\s+/g, "")));
  const inline = new RegExp(`(?<![\\w$:])crate((?:::${ident})+)`, "g");
  for (const m of src.matchAll(inline)) found.push(["crate", ...m[1].split("::").filter(Boolean)]);
  if (children.size > 0) {
    const childRe = new RegExp(`(?<![\\w$:])(${[...children].join("|")})::(${ident}(?:::${ident})*)`, "g");
    // `mod child;` and `pub mod child;` are declarations, not uses.
    const uses = src.replace(new RegExp(`\\bmod\\s+${ident}\\s*;`, "g"), " ");
    for (const m of uses.matchAll(childRe)) found.push(["self", m[1], ...m[2].split("::")]);
  }
  return found;
}

/** `crate::a::{b, c::{d}}` => [crate,a,b], [crate,a,c,d]. */
function expand(path) {
  const brace = path.indexOf("{");
  if (brace < 0) return [path.split("::").filter((s) => s && s !== "self" && s !== "*")];
  const head = path.slice(0, brace).split("::").filter(Boolean);
  const inner = path.slice(brace + 1, path.lastIndexOf("}"));
  const items = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === "{") depth++;
    else if (c === "}") depth--;
    else if ((c === "," && depth === 0) || i === inner.length) {
      if (inner.slice(start, i)) items.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  return items.flatMap((item) => expand(item).map((rest) => [...head, ...rest]));
}

const files = modules(dir);
const names = new Set(files.keys());
const edges = new Map([...names].map((m) => [m, new Set()]));
for (const [mod, file] of files) {
  const prefix = mod === "crate" ? [] : mod.split("::");
  const children = new Set([...names].filter((n) => n !== "crate" && n.split("::").slice(0, -1).join("::") === prefix.join("::") && n !== mod).map((n) => n.split("::").at(-1)));
  for (const segments of pathsIn(code(readFileSync(file, "utf8")), children)) {
    const absolute = segments[0] === "self" ? [...prefix, ...segments.slice(1)] : segments.slice(1);
    // The longest module the path names; none is the crate root itself.
    let target = "crate";
    for (let n = absolute.length; n > 0; n--) {
      const candidate = absolute.slice(0, n).join("::");
      if (names.has(candidate)) {
        target = candidate;
        break;
      }
    }
    if (target !== mod) edges.get(mod).add(target);
  }
}

if (!quiet) {
  for (const [mod, to] of edges) console.log(`${mod} -> ${[...to].sort().join(", ") || "(nothing)"}`);
}

// Tarjan's strongly connected components: any with two or more modules holds a cycle.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
let counter = 0;
const visit = (v) => {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!index.has(w)) (visit(w), low.set(v, Math.min(low.get(v), low.get(w))));
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component);
  }
};
for (const v of edges.keys()) if (!index.has(v)) visit(v);

for (const component of cycles) console.error(`import cycle among: ${[...component].sort().join(", ")}${describe(component)}`);
if (cycles.length > 0) process.exit(1);
if (!quiet) console.log(`no import cycle among ${names.size} modules of ${dir}`);

/** One concrete loop through the component, for the message. */
function describe(component) {
  const inside = new Set(component);
  const start = [...component].sort()[0];
  const path = [start];
  const seen = new Set([start]);
  const walk = (v) => {
    for (const w of edges.get(v)) {
      if (w === start) return true;
      if (inside.has(w) && !seen.has(w)) {
        seen.add(w);
        path.push(w);
        if (walk(w)) return true;
        path.pop();
      }
    }
    return false;
  };
  return walk(start) ? `: ${[...path, start].join(" -> ")}` : "";
}
