import { z } from 'zod';
import { defineTool, ok, type ToolContext } from './tool.js';
import { boardFailure, parseTaskId, taskIdSchema } from './board-context.js';

const input = z.object({
  taskId: taskIdSchema.describe('The id of the task, as shown by TaskList (e.g. "3").'),
});

export const taskGetTool = defineTool({
  name: 'TaskGet',
  description:
    'Read one task in full: subject, description (the instructions), status, owner, blocks and blockedBy, and metadata ' +
    '(results recorded so far). Returns {task: null} when no task has that id.',
  inputSchema: input,
  async execute(args, ctx) {
    try {
      const id = parseTaskId(args.taskId);
      const task = await ctx.board.getTaskDetail(ctx.runId, id);
      if (!task) return ok({ task: null });
      const sim = await simScript(ctx, id);
      return ok({
        task: {
          id: String(task.id),
          subject: task.subject,
          description: task.description,
          ...(task.activeForm ? { activeForm: task.activeForm } : {}),
          status: task.status,
          owner: task.owner ?? '',
          ...(task.role ? { role: task.role } : {}),
          ...(task.stage ? { stage: task.stage } : {}),
          attempt: task.attempt,
          blocks: task.blocks.map(String),
          blockedBy: task.blockedBy.map(String),
          ...(task.gate ? { gate: task.gate } : {}),
          metadata: task.metadata,
          ...(sim ? { sim } : {}),
        },
      });
    } catch (error) {
      return boardFailure(error);
    }
  },
});

/** The task's script for the simulated model: shown to the sim backend only, never to a real model. */
async function simScript(ctx: ToolContext, id: number) {
  if (ctx.backend !== 'sim') return null;
  return (await ctx.board.getTask(ctx.runId, id))?.sim ?? null;
}
