import { z } from 'zod';
import { createTask, getTask } from '../board/tasks.js';
import { pipelineOf } from '../board/pipeline.js';
import type { JsonObject } from '../../db/schema.js';
import { actorOf, boardFailure } from './board-context.js';
import { defineTool, ok } from './tool.js';

const input = z.object({
  subject: z.string().min(1).describe('A short imperative title, e.g. "Train the churn model".'),
  description: z.string().describe('What needs to be done and how to tell it is done.'),
  activeForm: z.string().optional().describe('Present-continuous form shown while the task runs, e.g. "Training the churn model".'),
  metadata: z.record(z.string(), z.unknown()).optional().describe('Free-form JSON attached to the task.'),
  stage: z.string().optional().describe("Pipeline stage of the new task. Defaults to the stage of the task you are working on."),
  role: z.string().optional().describe('Only members with this role (agent name) may claim it. Omit to let anyone take it.'),
});

export const taskCreateTool = defineTool({
  name: 'TaskCreate',
  description:
    'Create a new task on the shared team board. Use it for follow-up work you discover (a bug to fix, a check to add). ' +
    'The task starts pending with no owner; anyone whose role fits can claim it with TaskUpdate. ' +
    "A task in a later pipeline stage waits for every unfinished task of earlier stages. Returns {task: {id, subject}}.",
  inputSchema: input,
  execute(args, ctx) {
    try {
      const current = ctx.runtime?.currentTask() ?? null;
      const stage = args.stage ?? (current === null ? null : (getTask(ctx.board, ctx.runId, current)?.stage ?? null));
      const pipeline = pipelineOf(ctx.board, ctx.runId);
      const task = createTask(
        ctx.board,
        ctx.runId,
        {
          subject: args.subject,
          description: args.description,
          activeForm: args.activeForm ?? null,
          metadata: (args.metadata ?? {}) as JsonObject,
          stage: pipeline.length === 0 ? (args.stage ?? null) : stage,
          role: args.role ?? null,
        },
        actorOf(ctx),
      );
      return ok({ task: { id: String(task.id), subject: task.subject } });
    } catch (error) {
      return boardFailure(error);
    }
  },
});
