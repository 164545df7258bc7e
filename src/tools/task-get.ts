import { z } from 'zod';
import { defineTool, ok } from './tool.js';
import { boardFailure, parseTaskId, taskIdSchema } from './board-context.js';
import { readTaskView } from './task-view.js';

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
      // Blockers, what it blocks and its gate come from the board's view kept from the run's events
      // (src/tools/task-view.ts): the board's own detail reads every dependency of the run.
      const view = await readTaskView(ctx.board, ctx.runId);
      const task = await ctx.board.getTask(ctx.runId, id);
      if (!task) return ok({ task: null });
      const gate = view.gate(task);
      const sim = ctx.backend === 'sim' ? task.sim : null;
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
          blocks: view.blocks(task.id).map(String),
          blockedBy: view.waitsFor(task).map(String),
          ...(gate ? { gate } : {}),
          metadata: task.metadata,
          ...(sim ? { sim } : {}),
        },
      });
    } catch (error) {
      return boardFailure(error);
    }
  },
});
