import { z } from 'zod';
import { BoardError } from '../board/errors.js';
import { actorOf, metadataOf, parseTaskId, taskIdSchema } from './board-context.js';
import { defineTool, type ToolResult } from './tool.js';

const input = z.object({
  taskId: taskIdSchema.describe('The id of the task to update (e.g. "3").'),
  status: z.enum(['pending', 'in_progress', 'completed', 'deleted']).optional()
    .describe('in_progress claims the task (you become its owner); completed finishes it; deleted removes it.'),
  subject: z.string().optional(),
  description: z.string().optional(),
  activeForm: z.string().optional().describe('Present-continuous form shown while the task runs.'),
  owner: z.string().optional().describe('Assign the task to a member by name.'),
  addBlocks: z.array(taskIdSchema).optional().describe('Tasks that cannot start until this one is completed.'),
  addBlockedBy: z.array(taskIdSchema).optional().describe('Tasks that must be completed before this one can start.'),
  metadata: z.record(z.string(), z.unknown()).optional()
    .describe('Merged into the task metadata; a key set to null is removed. Record results here, e.g. {"metrics": {"auc": 0.81}}.'),
});

export const taskUpdateTool = defineTool({
  name: 'TaskUpdate',
  description:
    'Change a task on the team board. Claim a task by setting status "in_progress" (it must be pending, unowned or yours, ' +
    'with every blocker completed and your role allowed); set "completed" when the work is done and checked. ' +
    'Record results in metadata. If you cannot go on with a task you own (a step keeps failing, something is missing), ' +
    'set metadata {needs_help: true, error: "<one line: what failed>"} and end your turn: the person is asked to retry, ' +
    'reassign or mark it done, and you are woken with their decision. Rules are enforced: a refused update returns success ' +
    'false and an error saying why (for example which blockers are still open). Returns {success, taskId, updatedFields, statusChange?}.',
  inputSchema: input,
  async execute(args, ctx): Promise<ToolResult> {
    const taskIdText = String(args.taskId);
    try {
      const result = await ctx.board.updateTask(
        ctx.runId,
        parseTaskId(args.taskId),
        {
          status: args.status,
          subject: args.subject,
          description: args.description,
          activeForm: args.activeForm,
          owner: args.owner,
          addBlocks: args.addBlocks?.map(parseTaskId),
          addBlockedBy: args.addBlockedBy?.map(parseTaskId),
          metadata: args.metadata === undefined ? undefined : metadataOf(args.metadata),
        },
        actorOf(ctx),
      );
      const body = { success: true, taskId: String(result.taskId), updatedFields: result.updatedFields, ...(result.statusChange ? { statusChange: result.statusChange } : {}) };
      return { content: JSON.stringify(body), isError: false };
    } catch (error) {
      if (!(error instanceof BoardError)) throw error;
      return { content: JSON.stringify({ success: false, taskId: taskIdText, updatedFields: [], error: error.message }), isError: true };
    }
  },
});
