import { z } from 'zod';
import { answersForTool } from '../board/answers.js';
import type { Question } from '../board/types.js';
import { actorOf, boardFailure } from './board-context.js';
import { defineTool, type ToolResult } from './tool.js';

const option = z.object({
  label: z.string().min(1).max(60).describe('The choice as the person will see it (1-5 words).'),
  description: z.string().describe('What this choice means and what follows from it.'),
});

const question = z.object({
  question: z.string().min(1).describe('The full question, ending with a question mark.'),
  header: z.string().min(1).max(12).describe('A very short label for the question (at most 12 characters), e.g. "Churn def".'),
  options: z.array(option).min(2).max(4).describe('2-4 choices, the recommended one first. The person can always type another answer instead.'),
  multiSelect: z.boolean().describe('true to let the person pick several options.'),
});

const input = z.object({
  questions: z.array(question).min(1).max(4).describe('1-4 questions asked together.'),
});

export const askUserQuestionTool = defineTool({
  name: 'AskUserQuestion',
  description:
    'Ask the person watching the board to decide something that is theirs to decide (a definition, a trade-off, ' +
    'an approval). The questions appear on the board; only you wait for the answer, the rest of the team goes on. ' +
    'Give 2-4 options per question with the recommended one first, each question with its own text. The person may also ' +
    'answer in their own words: then the result carries a note, and you map the words to the one option they name (say ' +
    'which you took) or ask a short follow-up; never put their words into a command as they are. ' +
    'Returns {answers: {"<question>": "<label>" | "<label> (note: ...)" | "<own words>" | ["<label>", ...]}, note?}.',
  inputSchema: input,
  async execute(args, ctx): Promise<ToolResult> {
    try {
      const asked = await ctx.board.askQuestion(
        ctx.runId,
        { kind: 'agent', askedBy: ctx.member, taskId: ctx.runtime?.currentTask() ?? null, toolUseId: ctx.toolUseId ?? null, payload: { questions: args.questions } },
        actorOf(ctx),
      );
      return { content: JSON.stringify({ pending: `q${asked.id}` }), isError: false, awaitsQuestion: asked.id };
    } catch (error) {
      return boardFailure(error);
    }
  },
});

/** The tool result the model gets once its question is answered (or cancelled). */
export function answerResult(question: Question): ToolResult {
  if (question.status === 'cancelled') {
    return { content: JSON.stringify({ error: `question q${question.id} was cancelled before anyone answered it; decide without it or ask again` }), isError: true };
  }
  return { content: JSON.stringify(answersForTool(question)), isError: false };
}
