// The demo board (www/, copied here with this file on top) deployed as its README says:
// `wrangler deploy --dry-run` runs the build step and bundles the Worker with capx installed
// by name; `wrangler dev` then serves the page, the package's browser build and the proxy.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { withDev } from "./serve.mjs";

const { CAPX_API_KEY } = process.env;
execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", ".deploy"], { stdio: "inherit" });
if (!readdirSync(".deploy").some((f) => f.endsWith(".wasm"))) throw new Error("the Worker's bundle does not hold capx's wasm");
for (const asset of ["dist/index.html", "dist/app.mjs", "dist/pkg/browser.js"]) {
  if (!existsSync(asset)) throw new Error(`the build step did not stage ${asset}`);
}

await withDev(null, async (origin) => {
  const page = await fetch(`${origin}/`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes("app.mjs") || !page.headers.get("content-security-policy")) {
    throw new Error(`the page: ${page.status} ${html.slice(0, 200)}`);
  }
  const browserBuild = await fetch(`${origin}/pkg/browser.js`);
  if (browserBuild.status !== 200 || !(await browserBuild.text()).includes("openActivityFeed")) throw new Error("the browser build is not served");
  const created = await fetch(`${origin}/api/companies`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ name: "Board Co" }),
  });
  const listed = await fetch(`${origin}/api/companies`);
  const body = await listed.text();
  if (created.status !== 201 && created.status !== 200) throw new Error(`create through the proxy: ${created.status} ${await created.text()}`);
  if (listed.status !== 200 || !body.includes("Board Co")) throw new Error(`list through the proxy: ${listed.status} ${body}`);
  if ((html + body).includes(CAPX_API_KEY)) throw new Error("the key reached the page");
  console.log("demo-board: wrangler deploys the board's Worker and assets; wrangler dev serves the page and its proxy");
});
