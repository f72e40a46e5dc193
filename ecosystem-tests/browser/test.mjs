// Builds the page with the bundler's defaults (CAPX_ECOSYSTEM_VARIANT: vite or webpack), serves
// it with the app's server, and drives it in headless Chromium: the page parses an envelope and
// sees a task complete through openActivityFeed and the edge proxy.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { Capx } from "capx";
import { startServer } from "./server.mjs";

if (process.env.CAPX_ECOSYSTEM_VARIANT === "webpack") {
  execFileSync("webpack", [], { stdio: "inherit" });
  writeFileSync("dist/index.html", `<!doctype html><link rel="icon" href="data:,"><p id="envelope"></p><ul id="events"></ul><script src="/main.js"></script>`);
} else {
  execFileSync("vite", ["build"], { stdio: "inherit" });
}

const server = await startServer("dist");
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH, args: ["--no-sandbox"] });
try {
  const capx = new Capx();
  const { data: company } = await capx.companies.create({ name: "Page Co", governance_mode: "human_in_loop" });
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(`${origin}/?company=${company.id}`);
  await page.waitForSelector("body[data-feed=open]", { timeout: 15_000 }).catch(() => {
    throw new Error(`the feed did not open: ${problems.join("; ")}`);
  });
  if ((await page.textContent("#envelope")) !== `parsed ${company.id}`) throw new Error("parseEnvelope did not run in the page");

  const { data: task } = await capx.tasks.create(company.id, { title: "Shown live" });
  await capx.tasks.approve(company.id, task.id);
  await page.waitForFunction((id) => document.getElementById("events").textContent.includes(`task.completed ${id}`), task.id, { timeout: 20_000 });
  if (problems.length) throw new Error(problems.join("; "));
  console.log(`browser: ${process.env.CAPX_ECOSYSTEM_VARIANT} build, the page saw ${task.id} complete through openActivityFeed`);
} finally {
  await browser.close();
  server.close();
}
