import { toolSpec } from '../../src/tools/json-schema.js';
import { taskListTool } from '../../src/tools/task-list.js';
import { taskUpdateTool } from '../../src/tools/task-update.js';
import { workspaceTools } from '../../src/tools/workspace-tools.js';
import type { Message, ModelRequest, ToolSpec } from '../../src/models/model.js';

export const TOOLS: ToolSpec[] = [taskListTool, taskUpdateTool, ...workspaceTools].map((tool) => toolSpec(tool));

export function systemFor(member: string, role: string): string {
  return [
    `You are "${member}", a member of team churn-project with the role ${role}.`,
    'Work the shared task board: claim a task, do it, record results, complete it.',
    // Long enough that the tools + system prefix passes the cache minimum of the fake server.
    'Board rules: '.concat('a task starts only when its blockers are completed; '.repeat(40)),
  ].join('\n');
}

export function request(member: string, messages: Message[], overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    member,
    role: 'ml-engineer',
    model: 'claude-sonnet-5-5',
    system: systemFor(member, 'ml-engineer'),
    tools: TOOLS,
    messages,
    maxTokens: 1024,
    ...overrides,
  };
}

/** Records the waits instead of sleeping, so retry tests run instantly. */
export function fakeSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}
