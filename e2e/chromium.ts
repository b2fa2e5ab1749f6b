/**
 * How the browser tests (playwright.config.ts) and the workbench benchmark (bench/ui.ts) launch Chromium: Debian's
 * /usr/bin/chromium (Playwright's own browser download is not available on these machines), headless, with the
 * same flags, so the benchmark measures the browser the tests use.
 */
export const CHROMIUM_LAUNCH = {
  headless: true,
  executablePath: process.env.AGENTTRACE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};
