/**
 * Helpers for the `team mcp` tests: the SDK's own client over stdio, talking to the built CLI
 * (`node bin/team.js mcp ...`) in a project folder, and a small team to join.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { agentFile, BIN } from '../helpers/runtime.js';

export const TEAM = `
name: mcp-team
description: A small team that an MCP client joins.
members:
  - { name: ds, agent: data-scientist }
  - { name: rev, agent: reviewer }
pipeline: [build, ship]
tasks:
  - id: draft
    subject: Write the draft
    stage: build
    role: reviewer
    description: Write draft.md.
  - id: review
    subject: Review the draft
    stage: build
    role: reviewer
    blockedBy: [draft]
    description: Read draft.md and say what to change.
  - id: profile
    subject: Profile the data
    stage: build
    role: data-scientist
    description: Run the profiler.
  - id: anyone
    subject: Tidy the notes
    stage: build
    description: Anyone may do this.
  - id: release
    subject: Ship it
    stage: ship
    role: reviewer
    description: Ship it.
`;

/** The reviewer's agent file (rev is an open seat in the tests, so teamboard never runs it). */
export const AGENTS = { reviewer: agentFile('reviewer') };

export interface Joined {
  client: Client;
  transport: StdioClientTransport;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** Start `team mcp ARGS` in `cwd` and connect the SDK's client to it over stdio. */
export async function joinOverMcp(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Joined> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...args],
    cwd,
    // The CLI's test environment: no API key, the project as HOME, plain output.
    env: { HOME: cwd, CI: 'true', NO_COLOR: '1', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'teamboard-test', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`team mcp ${args.join(' ')} did not start: ${error instanceof Error ? error.message : String(error)}\n${stderr}`);
  }
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

export interface CallOutcome {
  isError: boolean;
  /** The tool's own result (the first text block), parsed. */
  result: Record<string, unknown>;
  /** What arrived for the member with this result (the second block's `inbox`), if anything. */
  inbox: Record<string, unknown> | undefined;
}

/** Call a tool and read its result the way the board tools write it (JSON text). */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}, options: { timeout?: number; onprogress?: (p: Progress) => void; resetTimeoutOnProgress?: boolean } = {}): Promise<CallOutcome> {
  const response = await client.callTool({ name, arguments: args }, undefined, options);
  const blocks = Array.isArray(response.content) ? response.content : [];
  const texts = blocks.flatMap((b: unknown) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? [b.text] : []));
  const [first, second] = texts;
  const result = parseObject(first ?? '{}');
  const extra = second === undefined ? undefined : parseObject(second).inbox;
  return { isError: response.isError === true, result, inbox: isRecord(extra) ? extra : undefined };
}

function parseObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (!isRecord(value)) throw new Error(`expected a JSON object, got ${text}`);
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
