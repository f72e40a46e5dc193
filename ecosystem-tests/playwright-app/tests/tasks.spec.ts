// The app's page and edge function in Chromium, against the capx-mock of the README's fixture.
import { test as withCapx, expect } from "./fixtures.ts";
import { createApp } from "../app.mjs";
import { serve } from "../serve.mjs";

// The app, with the fixture's mock as its Capx.
const test = withCapx.extend<{ app: string }>({
  app: async ({ capx }, use) => {
    const server = await serve(createApp({ CAPX_API_KEY: capx.mock.apiKey, CAPX_BASE_URL: capx.mock.baseUrl }));
    const address = server.address();
    await use(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
    server.close();
  },
});

test("a task approved in the page is done by the agents", async ({ page, app, capx }) => {
  const { data: company } = await capx.client.companies.create({ name: "Page Co", governance_mode: "human_in_loop" });
  await capx.client.tasks.create(company.id, { title: "Write the report" });
  await page.goto(`${app}/?company=${company.id}`);
  await expect(page.getByText("Write the report: pending_approval")).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByText("Write the report: completed")).toBeVisible({ timeout: 15_000 });
  const approvals = (await capx.mock.requests()).filter((r) => r.method === "POST" && r.path.endsWith("/approve"));
  expect(approvals.map((r) => r.status)).toEqual([200]);
});

test("the page says so when Capx fails, and recovers", async ({ page, app, capx }) => {
  const { data: company } = await capx.client.companies.create({ name: "Flaky Co" });
  await capx.client.tasks.create(company.id, { title: "Survive" });
  // More 502s than the edge function's client retries.
  await capx.mock.setFaults({ kind: "html_502", times: 6, path: `/v1/companies/${company.id}/tasks` });
  await page.goto(`${app}/?company=${company.id}`);
  await expect(page.getByRole("alert")).toContainText("Could not load the tasks");
  await expect(page.getByText(/^Survive: /)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("alert")).toBeEmpty();
});
