import { z } from 'zod';
import { actorOf, boardFailure } from './board-context.js';
import { defineTool, ok } from './tool.js';

const input = z.object({
  to: z.string().min(1).describe('A teammate\'s name, or "*" for everyone.'),
  message: z.string().min(1).describe('What you want them to know or do.'),
  summary: z.string().optional().describe('A 5-10 word summary shown on the board.'),
});

export const sendMessageTool = defineTool({
  name: 'SendMessage',
  description:
    'Send a message to a teammate (or "*" for the whole team). It is delivered between their turns, so do not wait ' +
    'for a reply; record anything others need on the task itself too. Returns {sent: [recipients]}.',
  inputSchema: input,
  async execute(args, ctx) {
    try {
      const sent = await ctx.board.sendMessage(ctx.runId, { from: ctx.member, to: args.to, body: args.message, summary: args.summary ?? null }, actorOf(ctx));
      return ok({ sent: sent.map((m) => m.to) });
    } catch (error) {
      return boardFailure(error);
    }
  },
});
