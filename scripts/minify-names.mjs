// Gives the wasm's imports, exports and import modules one- or two-letter names, and the glue
// the same names. wasm-bindgen's names carry 16 hex digits of hash each (closure shims run to
// 300 characters), which gzip cannot squeeze, and each stands twice in what a Worker loads:
// once in the .wasm, once in the glue. Renaming saved 3.7 KB gzip.
//   node scripts/minify-names.mjs pkg/capx_bg.wasm pkg/capx.js   (the glue as wasm-bindgen wrote it)
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath, gluePath] = process.argv.slice(2);
const features = ["reference-types", "bulk-memory", "sign-ext", "nontrapping-float-to-int", "mutable-globals", "multivalue", "simd"];
const before = new WebAssembly.Module(readFileSync(wasmPath));
// wasm-opt prints the renaming as JSON: imports as [module, name, new name], exports as [name, new name].
const map = JSON.parse(
  execFileSync("node_modules/.bin/wasm-opt", [wasmPath, ...features.map((f) => `--enable-${f}`), "--minify-imports-and-exports-and-modules", "-o", wasmPath], { encoding: "utf8" }),
);
const after = new WebAssembly.Module(readFileSync(wasmPath));

let glue = readFileSync(gluePath, "utf8");
const fail = (why) => {
  console.error(`[minify-names] ${why}: wasm-bindgen's glue changed shape; update scripts/minify-names.mjs`);
  process.exit(1);
};
const escape = (s) => s.replace(/[$]/g, "\\$&");
// Replaces every match of `pattern`, which must match at least once.
const replaceAll = (pattern, to, what) => {
  const next = glue.replace(pattern, to);
  if (next === glue) fail(`${what} not found`);
  glue = next;
};

// Exports: the glue reaches each one it uses as `wasm.name` (and a name can prefix another);
// some (wasm-bindgen's abort hooks) it never uses.
for (const [name, short] of map.exports) glue = glue.replace(new RegExp(`\\bwasm\\.${escape(name)}(?![\\w$])`, "g"), `wasm.${short}`);
const leftover = glue.match(/\bwasm\.[\w$]{3,}/);
if (leftover) fail(`${leftover[0]} is not renamed`);

// Imports: the wasm now asks for (module, short) where it asked for (module, name). The pass
// keeps their order, which pairs each old import with its new one.
const oldImports = WebAssembly.Module.imports(before);
const newImports = WebAssembly.Module.imports(after);
if (oldImports.length !== newImports.length) fail("the import count changed");
const shortName = new Map(map.imports.map(([module, name, short]) => [`${module}\0${name}`, short]));
// The glue's own imports sit in `import0` as `name: function…`; the snippet's are its
// `import * as importN` namespaces.
const namespaces = new Map([...glue.matchAll(/^import \* as (import\d+) from "([^"]+)"/gm)].map(([, id, module]) => [module, id]));
const modules = new Map();
for (const [i, { module, name }] of oldImports.entries()) {
  const short = shortName.get(`${module}\0${name}`);
  if (short !== newImports[i].name) fail(`import ${module} ${name} is not paired with ${newImports[i].name}`);
  let value;
  if (module === "./capx_bg.js") {
    replaceAll(new RegExp(`^(\\s+)${escape(name)}:`, "m"), `$1${short}:`, `import0.${name}`);
    value = `import0.${short}`;
  } else {
    const namespace = namespaces.get(module) ?? fail(`no namespace import of ${module}`);
    value = `${namespace}.${name}`;
  }
  const entries = modules.get(newImports[i].module) ?? [];
  entries.push(`${JSON.stringify(short)}: ${value}`);
  modules.set(newImports[i].module, entries);
}
const imports = [...modules].map(([module, entries]) => `${JSON.stringify(module)}: { __proto__: null, ${entries.join(", ")} }`);
replaceAll(/return \{\n\s+__proto__: null,\n\s+"\.\/capx_bg\.js": import0,\n(\s+"[^"]+": import\d+,\n)*\s+\};/, `return { __proto__: null, ${imports.join(", ")} };`, "the imports object");
writeFileSync(gluePath, glue);
