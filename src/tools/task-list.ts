import { z } from 'zod';
import { defineTool, ok } from './tool.js';
import { boardFailure } from './board-context.js';

const input = z.object({});

export const taskListTool = defineTool({
  name: 'TaskList',
  description:
    'List every task on the team board: id, subject, status (pending, in_progress, completed), owner, the role allowed ' +
    'to claim it, its pipeline stage, and blockedBy (ids of unfinished tasks it waits for, including earlier stages). ' +
    'A task can be claimed when it is pending, has no owner, its blockedBy is empty, no gate is closed on it and its role ' +
    'is yours (or unset). Prefer the lowest id. Use TaskGet for the full description.',
  inputSchema: input,
  async execute(_args, ctx) {
    try {
      const tasks = (await ctx.board.listTasks(ctx.runId)).map((t) => ({
        id: String(t.id),
        subject: t.subject,
        status: t.status,
        ...(t.owner ? { owner: t.owner } : {}),
        ...(t.role ? { role: t.role } : {}),
        ...(t.stage ? { stage: t.stage } : {}),
        blockedBy: t.blockedBy.map(String),
        ...(t.gate ? { gate: t.gate } : {}),
      }));
      return ok({ tasks });
    } catch (error) {
      return boardFailure(error);
    }
  },
});
