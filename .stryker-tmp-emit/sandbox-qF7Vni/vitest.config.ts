// @ts-nocheck
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The demo data ends today by default (src/data/settings.ts demoEnd): the tests pin the fixture's end,
// so their numbers and the generator's fingerprint do not move with the calendar. Set here, in the main
// process, so the stack's global setup and every spawned service inherit it. DEMO_LIVE rows would move
// the numbers of default ranges under a test's feet: off unless a test turns it on (test/e2e/demo-live).
process.env.DEMO_END ??= JSON.parse(
  readFileSync(new URL('./fixtures/demo-data.json', import.meta.url), 'utf8'),
).end;
process.env.DEMO_LIVE ??= '0';

// Four projects: `unit` is pure code (unit, golden, property) and starts no server — its setup file makes
// a child process, a listening socket or PGlite fail the test; `local` starts its own servers on this
// machine (in-process PGlite with the TimescaleDB build, redis-server, the `kpi` binary, the service on a
// free port) but needs no stack; `integration` talks to the real stack, which its global setup brings up
// through the stack scripts; `web` drives the web app in chromium against the embedded default.
// `npx vitest run --project unit --project local` is the quick gate; `npm test` runs all four.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/golden/**/*.test.ts', 'test/property/**/*.test.ts'],
          setupFiles: ['test/support/unit-starts-no-server.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'local',
          include: ['test/local/**/*.test.ts'],
          testTimeout: 120_000,
          // Embedded PGlite (the real TimescaleDB build) takes seconds to boot on a busy 2-core machine.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // The real stack is shared: one file at a time keeps 2-core machines responsive.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The web app in a real browser (Debian's chromium) against `npm start` on the embedded
          // default: no stack needed. One file at a time: each starts a service and a browser.
          name: 'web',
          include: ['test/web/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
