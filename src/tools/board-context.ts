import { z } from 'zod';
import { memberActor, type Actor } from '../board/actor.js';
import { BoardError } from '../board/errors.js';
import type { JsonObject } from '../board/types.js';
import { fail, type ToolContext, type ToolResult } from './tool.js';

export function actorOf(ctx: ToolContext): Actor {
  return memberActor(ctx.member, ctx.role);
}

/** Task ids are strings on the wire (as in Claude Code); numbers are accepted too. */
export const taskIdSchema = z.union([z.string(), z.number().int()]);

export function parseTaskId(value: string | number): number {
  const text = String(value).trim().replace(/^#/, '');
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new BoardError('invalid', `"${value}" is not a task id; task ids are numbers like "3" (see TaskList)`);
  }
  return Number(text);
}

/** Board rule violations become error results the model can read and act on. */
export function boardFailure(error: unknown): ToolResult {
  if (error instanceof BoardError) return fail(error.message);
  throw error;
}

const jsonObject = z.record(z.string(), z.json());

/**
 * Metadata as the board stores it. Tool input arrives as parsed JSON, so this only fails for input
 * built in code; the tools' schemas keep `unknown` values so the model sees a plain object schema.
 */
export function metadataOf(value: Record<string, unknown>): JsonObject {
  const parsed = jsonObject.safeParse(value);
  if (!parsed.success) throw new BoardError('invalid', 'metadata must be plain JSON (objects, arrays, strings, numbers, booleans, null)');
  return parsed.data;
}
