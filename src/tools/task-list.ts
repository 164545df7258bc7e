import { z } from 'zod';
import { BoardError } from '../board/errors.js';
import type { TaskStatus } from '../board/types.js';
import { defineTool, ok, type ToolContext } from './tool.js';
import { boardFailure, parseTaskId, taskIdSchema } from './board-context.js';
import { readTaskView, type TaskView, type ViewTask } from './task-view.js';

export type { BoardCounts } from './task-view.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

const input = z.object({
  status: z.enum(['pending', 'in_progress', 'completed']).optional().describe('Only tasks with this status.'),
  stage: z.string().optional().describe('Only tasks of this pipeline stage.'),
  owner: z.string().optional().describe('Only tasks owned by this member ("" for tasks nobody owns).'),
  cursor: taskIdSchema.optional().describe('Continue a listing after this task id: pass the nextCursor of the previous result.'),
  limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(`How many tasks to list (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}).`),
});

type Input = z.infer<typeof input>;

/** A task as listed: Claude Code's fields (id, subject, status, owner, blockedBy) plus role, stage and gate (ADR 0004). */
export interface ListedTask {
  id: string;
  subject: string;
  status: TaskStatus;
  owner?: string;
  role?: string;
  stage?: string;
  blockedBy: string[];
  gate?: string;
}

export const taskListTool = defineTool({
  name: 'TaskList',
  description:
    'Look at the team board. With no input it lists your unfinished tasks, then the tasks you may claim now in the order to take them (the team\'s planned order, then lowest id), ' +
    'and counts of every task by status and stage; "claimable" says how many you may claim. Each task has id, subject, status ' +
    '(pending, in_progress, completed), owner, role (who may claim it), stage, blockedBy (ids of unfinished tasks it waits for, ' +
    'including earlier stages) and gate (a closed gate on its stage). To see other tasks, filter by status, stage and/or owner ' +
    '("" for unowned); such a listing goes in id order, `limit` at a time, and gives nextCursor while more match: pass it back as ' +
    'cursor for the next page. A task can be claimed when it is pending, has no owner, its blockedBy is empty, no gate is closed ' +
    'on it and its role is yours (or unset). Take the first one listed. Use TaskGet for the full description.',
  inputSchema: input,
  async execute(args, ctx) {
    try {
      const view = await readTaskView(ctx.board, ctx.runId);
      if (args.stage !== undefined && view.pipeline.length > 0 && !view.pipeline.includes(args.stage)) {
        throw new BoardError('invalid', `stage "${args.stage}" is not in this run's pipeline (${view.pipeline.join(', ')}); use one of those`);
      }
      const filtered = args.status !== undefined || args.stage !== undefined || args.owner !== undefined || args.cursor !== undefined;
      return ok(filtered ? listing(view, args) : yourView(view, ctx, args.limit ?? DEFAULT_LIMIT));
    } catch (error) {
      return boardFailure(error);
    }
  },
});

/** What a member needs to choose its next step: its own unfinished tasks, what it may claim now, and counts of the rest. */
function yourView(view: TaskView, ctx: ToolContext, limit: number) {
  const own = view.owned(ctx.member);
  const claimable = view.readyTasks().filter((t) => view.claimable(t, ctx.member, ctx.role));
  const others = claimable.filter((t) => t.owner !== ctx.member);
  return {
    tasks: [...own, ...others.slice(0, limit)].map((t) => listed(view, t)),
    claimable: claimable.length,
    counts: view.counts(),
  };
}

/** The tasks matching the filters, in id order, one page at a time. */
function listing(view: TaskView, args: Input) {
  const after = args.cursor === undefined ? 0 : parseTaskId(args.cursor);
  const owner = args.owner === undefined ? undefined : args.owner === '' ? null : args.owner;
  const matching = view.select(
    (t) => (args.status === undefined || t.status === args.status) && (args.stage === undefined || t.stage === args.stage) && (owner === undefined || t.owner === owner),
  );
  const rest = matching.filter((t) => t.id > after);
  const page = rest.slice(0, args.limit ?? DEFAULT_LIMIT);
  const last = page[page.length - 1];
  return {
    tasks: page.map((t) => listed(view, t)),
    matching: matching.length,
    ...(last && rest.length > page.length ? { nextCursor: String(last.id) } : {}),
    counts: view.counts(),
  };
}

function listed(view: TaskView, t: ViewTask): ListedTask {
  const gate = view.gate(t);
  return {
    id: String(t.id),
    subject: t.subject,
    status: t.status,
    ...(t.owner ? { owner: t.owner } : {}),
    ...(t.role ? { role: t.role } : {}),
    ...(t.stage ? { stage: t.stage } : {}),
    blockedBy: view.blockedBy(t).map(String),
    ...(gate !== undefined ? { gate } : {}),
  };
}
