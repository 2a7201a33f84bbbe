import type { Reporter, TestModule } from 'vitest/node';

declare module 'vitest' {
  interface TaskMeta {
    /** Left by each fault-injection scenario (test/faults) for the run's closing line. */
    faultMatrix?: { faultsInjected: number; violations: number };
  }
}

/**
 * Ends every run with one plain line, `tests: N passed, N failed, N skipped`, so any CI that reads
 * closing lines (not only Vitest-aware ones) sees what ran. When fault-injection scenarios ran,
 * the very last line is `fault matrix: S scenarios, F faults injected, V violations` (the
 * interface scripts read from `npm run test:faults`). A scenario that crashed before reporting
 * counts as one violation.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const matrix = { scenarios: 0, faults: 0, violations: 0 };
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
        if (mod.project.name === 'faults' && state !== 'skipped' && state !== 'pending') {
          const m = test.meta().faultMatrix;
          matrix.scenarios++;
          matrix.faults += m?.faultsInjected ?? 0;
          matrix.violations += m ? m.violations : 1;
        }
      }
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (matrix.scenarios > 0) {
      process.stdout.write(
        `fault matrix: ${matrix.scenarios} scenarios, ${matrix.faults} faults injected, ${matrix.violations} violations\n`,
      );
    }
  }
}
