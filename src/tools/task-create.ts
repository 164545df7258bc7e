import { z } from 'zod';
import { actorOf, boardFailure, metadataOf } from './board-context.js';
import { defineTool, ok, type ToolContext } from './tool.js';

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
  async execute(args, ctx) {
    try {
      const task = await ctx.board.createTask(
        ctx.runId,
        {
          subject: args.subject,
          description: args.description,
          activeForm: args.activeForm ?? null,
          metadata: metadataOf(args.metadata ?? {}),
          stage: await stageFor(ctx, args.stage),
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

/** The stage asked for; without one, the stage of the caller's current task (a run without a pipeline has no stages). */
async function stageFor(ctx: ToolContext, asked: string | undefined): Promise<string | null> {
  const { pipeline } = (await ctx.board.requireRun(ctx.runId)).config;
  if (pipeline.length === 0 || asked !== undefined) return asked ?? null;
  const current = ctx.runtime?.currentTask() ?? null;
  return current === null ? null : ((await ctx.board.getTask(ctx.runId, current))?.stage ?? null);
}
