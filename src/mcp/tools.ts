import { z } from 'zod';
import { askUserQuestionTool } from '../tools/ask-user-question.js';
import { inputJsonSchema } from '../tools/json-schema.js';
import { boardTools } from '../tools/registry.js';
import { defineTool, ok, type Tool } from '../tools/tool.js';
import type { Deliveries } from './deliveries.js';

/**
 * What an MCP client's call of AskUserQuestion adds to the built-in behaviour: clients give up on
 * a call after a while, and the question must outlive that.
 */
export const ASK_OVER_MCP =
  ' The call waits for the answer and sends progress notifications while it waits. If your client gives up on the ' +
  'call first (a tool timeout), the question stays on the board and its answer comes with the result of your next ' +
  'tool call, under inbox.pendingAnswers (or call TeamInbox); do not ask it again.';

export const TEAM_INBOX = 'TeamInbox';

/** Messages and late answers, for a member that cannot be woken: every other tool result carries them too. */
export function teamInboxTool(deliveries: Deliveries): Tool {
  return defineTool({
    name: TEAM_INBOX,
    description:
      'Read what arrived for you: messages from teammates (SendMessage) and answers to your questions whose ' +
      'AskUserQuestion call ended before the person answered. Every other tool result carries these too, under ' +
      '"inbox"; call this when you have nothing else to do, before checking TaskList again. ' +
      'Returns {messages: [{from, summary?, message}], pendingAnswers: [{question, result}], openQuestions: [ids still unanswered]}.',
    inputSchema: z.object({}),
    async execute() {
      return ok(await deliveries.take());
    },
  });
}

/**
 * The tools an MCP member gets: the built-in board tools themselves (same schemas, descriptions
 * and results), AskUserQuestion's description extended by what happens over MCP, and TeamInbox.
 */
export function mcpTools(deliveries: Deliveries): Tool[] {
  const board = boardTools.map((tool) => (tool === askUserQuestionTool ? { ...tool, description: tool.description + ASK_OVER_MCP } : tool));
  return [...board, teamInboxTool(deliveries)];
}

/** A tool as `tools/list` gives it: the JSON Schema the built-in members' model sees. */
export function listedTool(tool: Tool): { name: string; description: string; inputSchema: { type: 'object'; [key: string]: unknown } } {
  return { name: tool.name, description: tool.description, inputSchema: { ...inputJsonSchema(tool), type: 'object' } };
}
