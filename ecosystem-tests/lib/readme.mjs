// The README's quickstarts, taken from the README that ships in the installed package: the
// first ```ts block under the heading "### <runtime>".
import { readFileSync } from "node:fs";

export function quickstart(readmePath, runtime) {
  const readme = readFileSync(readmePath, "utf8");
  const heading = readme.indexOf(`\n### ${runtime}\n`);
  const open = heading < 0 ? -1 : readme.indexOf("\n```ts\n", heading);
  const close = open < 0 ? -1 : readme.indexOf("\n```\n", open + 1);
  if (close < 0) throw new Error(`${readmePath} has no \`\`\`ts quickstart under "### ${runtime}"`);
  return readme.slice(open + "\n```ts\n".length, close + 1);
}
