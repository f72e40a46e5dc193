import { defineConfig } from "@playwright/test";

// Playwright cannot download its browsers here: the system's Chromium.
export default defineConfig({
  testDir: "tests",
  reporter: "list",
  use: { launchOptions: { executablePath: process.env.CHROMIUM_PATH } },
});
