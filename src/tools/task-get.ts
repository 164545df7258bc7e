import { z } from 'zod';
import { getTaskDetail } from '../board/views.js';
import { defineTool, ok } from './tool.js';
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
  execute(args, ctx) {
    try {
      const task = getTaskDetail(ctx.board, ctx.runId, parseTaskId(args.taskId));
      if (!task) return ok({ task: null });
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
        },
      });
    } catch (error) {
      return boardFailure(error);
    }
  },
});
