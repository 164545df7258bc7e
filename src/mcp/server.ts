import type { Readable, Writable } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Board } from '../board/board.js';
import { summarizeCall } from '../runtime/tool-summary.js';
import { realClock } from '../shared/clock.js';
import { answerResult } from '../tools/ask-user-question.js';
import { runTool } from '../tools/run-tool.js';
import type { Tool, ToolContext, ToolResult } from '../tools/tool.js';
import { createDeliveries, hasNews, type Deliveries } from './deliveries.js';
import { mcpInstructions } from './instructions.js';
import { joinSeat, type Seat } from './seat.js';
import { listedTool, mcpTools, TEAM_INBOX } from './tools.js';
import { waitForAnswer } from './wait-answer.js';

export interface McpServeOptions {
  board: Board;
  runId: number;
  name: string;
  role?: string;
  /** The client's end of the conversation; default this process's stdin and stdout. */
  input?: Readable;
  output?: Writable;
  heartbeatMs?: number;
  keepAliveMs?: number;
  version?: string;
  /** One line about the seat (joined, left) for the person: stderr, since stdout is the protocol's. */
  log?: (line: string) => void;
}

/** The request handlers' view of one call, as the SDK gives it. */
interface CallExtra {
  signal: AbortSignal;
  requestId: string | number;
  _meta?: { progressToken?: string | number };
  sendNotification(notification: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; message?: string } }): Promise<void>;
}

/**
 * `team mcp`: join run `runId` as member `name` and serve its board tools to one MCP client over
 * stdio, until the client goes away (stdin closes) or the process is told to stop. Then the
 * member leaves the run: its in-progress tasks go back to the pool with a note.
 */
export async function serveMcp(opts: McpServeOptions): Promise<void> {
  const { board, runId } = opts;
  const log = opts.log ?? (() => undefined);
  const seat = await joinSeat({ board, runId, name: opts.name, ...(opts.role !== undefined ? { role: opts.role } : {}), ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}) });
  const deliveries = await createDeliveries(board, runId, seat.name);
  const tools = mcpTools(deliveries);
  const server = new Server({ name: 'teamboard', version: opts.version ?? '0.1.0' }, { capabilities: { tools: {} }, instructions: mcpInstructions(seat.run, seat.name, seat.role) });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(listedTool) }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => handleCall({ board, seat, deliveries, tools, keepAliveMs: opts.keepAliveMs }, request.params.name, request.params.arguments ?? {}, extra));

  const input = opts.input ?? process.stdin;
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const stops: (() => void)[] = [];
  const closed = new Promise<string>((resolve) => {
    const stop = (why: string) => () => {
      resolve(why);
      void server.close();
    };
    server.onclose = () => resolve('its MCP client disconnected');
    const gone = stop('its MCP client disconnected');
    input.once('end', gone);
    input.once('close', gone);
    for (const signal of signals) {
      const handler = stop(`its MCP server was stopped (${signal})`);
      process.once(signal, handler);
      stops.push(() => process.off(signal, handler));
    }
    stops.push(() => {
      input.off('end', gone);
      input.off('close', gone);
    });
  });
  await server.connect(new StdioServerTransport(input, opts.output ?? process.stdout));
  log(`team mcp: ${seat.name} (${seat.role}) joined run ${runId}${seat.joined.kind === 'take' ? ', taking over its seat' : ''}; serving the board over stdio`);
  const reason = await closed;
  for (const undo of stops) undo();
  await seat.leave(reason);
  log(`team mcp: ${seat.name} left run ${runId}: ${reason}`);
  // Nothing more will be read: let the process end even if the client keeps its end of the pipe open.
  if (input === process.stdin) process.stdin.destroy();
}

interface CallEnv {
  board: Board;
  seat: Seat;
  deliveries: Deliveries;
  tools: readonly Tool[];
  keepAliveMs: number | undefined;
}

/** One tool call: the built-in tool's own result, then what arrived for the member since its last call. */
async function handleCall(env: CallEnv, name: string, args: unknown, extra: CallExtra): Promise<CallToolResult> {
  const { board, seat, deliveries } = env;
  const back = await seat.rejoinIfOut();
  const tool = env.tools.find((t) => t.name === name);
  let result: ToolResult;
  if (!tool) {
    result = { content: JSON.stringify({ error: `unknown tool "${name}"; you can use: ${env.tools.map((t) => t.name).join(', ')}` }), isError: true };
  } else {
    const summary = summarizeCall(name, args);
    await seat.step(summary ? `${name} ${summary}` : name);
    result = await runTool(tool, args, context(env, extra));
    if (result.awaitsQuestion !== undefined) result = await answerOf(env, result.awaitsQuestion, extra);
    const task = seat.currentTask();
    await board.appendEvent(seat.runId, seat.actor, {
      type: 'tool.called',
      payload: { member: seat.name, tool: name, summary, ok: !result.isError, ...(result.isError ? { error: errorLine(result.content) } : {}), ...(task !== null ? { taskId: task } : {}) },
    });
  }
  await seat.settle();
  const content: CallToolResult['content'] = [{ type: 'text', text: result.content }];
  const inbox = name === TEAM_INBOX ? null : await deliveries.take();
  if (back !== null || (inbox && hasNews(inbox))) content.push({ type: 'text', text: JSON.stringify({ inbox: { ...(back ? { note: back } : {}), ...inbox } }) });
  return { content, isError: result.isError };
}

function context(env: CallEnv, extra: CallExtra): ToolContext {
  const { board, seat } = env;
  // No `backend`: an MCP client is never the simulated model, so it never sees a task's sim script.
  return {
    board,
    runId: seat.runId,
    member: seat.name,
    role: seat.role,
    workspace: seat.run.workspace,
    clock: realClock,
    signal: extra.signal,
    toolUseId: `mcp-${String(extra.requestId)}`,
    runtime: { currentTask: () => seat.currentTask() },
  };
}

/** AskUserQuestion put its question on the board: wait for the person, keeping the client's call alive. */
async function answerOf(env: CallEnv, questionId: number, extra: CallExtra): Promise<ToolResult> {
  const { board, seat, deliveries } = env;
  deliveries.asked(questionId);
  deliveries.waiting(questionId, true);
  await seat.waiting();
  const token = extra._meta?.progressToken;
  try {
    const question = await waitForAnswer(board, seat.runId, questionId, {
      signal: extra.signal,
      ...(env.keepAliveMs !== undefined ? { keepAliveMs: env.keepAliveMs } : {}),
      async keepAlive(count) {
        if (token === undefined) return;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: count, message: `waiting for the person to answer q${questionId} (on the board, or \`team answer ${seat.runId} q${questionId} ...\`)` },
        });
      },
    });
    if (question) {
      deliveries.delivered(questionId);
      return answerResult(question);
    }
    return { content: JSON.stringify({ pending: `q${questionId}`, note: 'not answered yet; the answer comes with a later tool result, under inbox.pendingAnswers' }), isError: false };
  } finally {
    deliveries.waiting(questionId, false);
  }
}

function errorLine(content: string): string {
  try {
    const parsed: unknown = JSON.parse(content);
    if (parsed !== null && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string') return parsed.error.slice(0, 200);
  } catch {
    // not JSON: the text itself
  }
  return content.slice(0, 200);
}
