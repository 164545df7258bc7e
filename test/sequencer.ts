/**
 * The order files start in. Two forks share two cores, and each project's files end together
 * before the next project starts (`isolate: false` groups them): a long file that starts last
 * leaves a core idle while it runs alone. Longest first packs them.
 *
 * Vitest orders by the durations it cached from the last run, and by file size when it has none,
 * as in a fresh clone (CI). Size says little here: the longest files are short scripts that start
 * processes. So a fresh clone uses the seconds measured below for the files that take long, and
 * size for the rest.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each file took in a full run on the 2-core machine (2026-11-30); `project:` prefixes a
 * board file, which runs once per backend. Only the order matters: update it when a file changes
 * a lot.
 */
const MEASURED_SECONDS: Record<string, number> = {
  'unit:test/e2e/workers.test.ts': 56,
  'unit:test/cli/cli-in-the-wild.test.ts': 55,
  'board-postgres:test/board/claim-next-race.test.ts': 40,
  'unit:test/e2e/run-cli.test.ts': 20,
  'unit:test/e2e/escape-suite.test.ts': 16,
  'unit:test/mcp/mcp-server.test.ts': 15,
  'unit:test/e2e/crash-resume.test.ts': 14,
  'unit:test/e2e/crashed.test.ts': 14,
  'unit:test/e2e/replay.test.ts': 14,
  'unit:test/e2e/tmux-start.test.ts': 13,
  'unit:test/cli/tasks-cli.test.ts': 12,
  'unit:test/e2e/anthropic-run.test.ts': 12,
  'unit:test/e2e/permissions.test.ts': 12,
  'unit:test/sandbox/escape.test.ts': 12,
  'board-postgres:test/board/multiprocess.test.ts': 11,
  'unit:test/e2e/tmux-approve.test.ts': 11,
  'unit:test/churn-project/team-file.test.ts': 10,
  'unit:test/runtime/coordinator.test.ts': 10,
  'unit:test/tools/workspace-tools.test.ts': 10,
  'unit:test/tui/questions.test.tsx': 10,
  'board-postgres:test/board/transactions.test.ts': 9,
  'unit:test/e2e/faults.test.ts': 9,
  'unit:test/mcp/churn-open-seat.test.ts': 9,
  'board-sqlite:test/board/claim-next-race.test.ts': 8,
  'unit:test/churn-project/pipeline.test.ts': 8,
  'board-postgres:test/board/stages.test.ts': 7,
  'unit:test/runtime/no-dead-ends.test.ts': 7,
  'unit:test/tui/progress.test.tsx': 7,
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const key = (spec: TestSpecification) => `${spec.project.name}:${path.relative(config.root, spec.moduleId)}`;
    const cached = files.filter((spec) => cache.getFileTestResults(key(spec)) !== undefined).length;
    // Vitest's own order when it knows how long most files took.
    if (cached >= files.length / 2) return super.sort(files);
    const size = (spec: TestSpecification) => cache.getFileStats(key(spec))?.size ?? 0;
    const seconds = (spec: TestSpecification) => MEASURED_SECONDS[key(spec)] ?? 0;
    return [...files].sort((a, b) => seconds(b) - seconds(a) || size(b) - size(a));
  }
}
