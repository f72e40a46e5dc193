// capx-mock's npm packages, as scripts/build-mock-npm.sh leaves them in target/npm/node_modules/:
// the platform packages and the JS package that depends on them, published beside capx.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The built packages' names, platform packages first (capx-mock depends on them). */
export function mockPackages(root) {
  const dir = join(root, "target/npm/node_modules");
  if (!existsSync(join(dir, "capx-mock"))) throw new Error(`no capx-mock packages in ${dir}: run scripts/build-mock-npm.sh first`);
  return readdirSync(dir).sort((a, b) => (a === "capx-mock") - (b === "capx-mock"));
}

export async function publishMockPackages(registry, root) {
  for (const name of mockPackages(root)) await registry.publish(join(root, "target/npm/node_modules", name));
}
