import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './e2e/chromium.js';
// @ts-expect-error: a plain .mjs build script without type declarations
import { electronBinary } from './scripts/electronSqlite.mjs';

// Browser tests run in Debian's Chromium (Playwright's own browser download is not available on these machines).
// The desktop app's own tests (e2e/electron) run where the Electron binary is installed; elsewhere that project
// does not exist (it is not skipped and counted: it is not there).
export default defineConfig({
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  projects: [
    {
      name: 'chromium',
      testDir: 'e2e',
      testMatch: '*.spec.ts',
      testIgnore: 'electron/**',
      use: {
        // The size of a laptop screen: the screenshots saved in test-results/screens are the README's.
        viewport: { width: 1440, height: 900 },
        headless: CHROMIUM_LAUNCH.headless,
        launchOptions: { executablePath: CHROMIUM_LAUNCH.executablePath, args: CHROMIUM_LAUNCH.args },
      },
    },
    ...((electronBinary as () => string | undefined)() ? [{ name: 'electron', testDir: 'e2e/electron', testMatch: '*.spec.ts' }] : []),
  ],
});
