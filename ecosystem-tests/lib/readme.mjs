// The README's quickstarts, taken from the README that ships in the installed package: the
// first ```ts or ```js block (or of the `langs` given) under the heading "### <runtime>".
import { readFileSync } from "node:fs";

export function quickstart(readmePath, runtime, langs = ["ts", "js"]) {
  const readme = readFileSync(readmePath, "utf8");
  const heading = readme.indexOf(`\n### ${runtime}\n`);
  const next = readme.slice(heading + 1).search(/\n##+ /);
  const section = heading < 0 ? "" : readme.slice(heading, next < 0 ? undefined : heading + 1 + next);
  const open = new RegExp(`\n\`\`\`(?:${langs.join("|")})\n`).exec(section);
  const close = open ? section.indexOf("\n```\n", open.index + 1) : -1;
  if (close < 0) throw new Error(`${readmePath} has no \`\`\`${langs.join("/")} block under "### ${runtime}"`);
  return section.slice(open.index + open[0].length, close + 1);
}
