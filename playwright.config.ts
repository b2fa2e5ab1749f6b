import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './e2e/chromium.js';

// Browser tests run in Debian's Chromium (Playwright's own browser download is not available on these machines).
export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    // The size of a laptop screen: the screenshots saved in test-results/screens are the README's.
    viewport: { width: 1440, height: 900 },
    headless: CHROMIUM_LAUNCH.headless,
    launchOptions: { executablePath: CHROMIUM_LAUNCH.executablePath, args: CHROMIUM_LAUNCH.args },
  },
});
