import type { AssistantBlock, ModelResponse } from '../models/model.js';

/**
 * Tool input nested deeper than this is refused before anything reads it: validating, storing or
 * sending it again would recurse once per level (6,000 levels overflow the stack).
 */
export const MAX_INPUT_DEPTH = 64;

/** A call the runtime refuses without running it, and the error result the model gets. */
export interface RefusedCall {
  id: string;
  name: string;
  error: string;
}

/**
 * The reply's blocks as they are kept and acted on, and the calls that must not run: a call cut
 * off by max_tokens (its input is whatever part of the JSON arrived, e.g. `["1","2` read as
 * `["1"]`) and input nested too deep. A refused call's input is replaced by an empty object in
 * what is kept, so the conversation can still be stored and sent again.
 */
export function screenToolCalls(response: Pick<ModelResponse, 'content' | 'stopReason'>, maxTokens: number): { content: AssistantBlock[]; refused: RefusedCall[] } {
  const refused: RefusedCall[] = [];
  const last = response.content.at(-1);
  const cutOff = response.stopReason === 'max_tokens' && last?.type === 'tool_use' ? last.id : null;
  const content = response.content.map((block): AssistantBlock => {
    if (block.type !== 'tool_use') return block;
    if (block.id === cutOff) {
      refused.push({
        id: block.id,
        name: block.name,
        error: `this ${block.name} call was cut off: the reply reached the output limit (max_tokens ${maxTokens}) before the call's input was complete, so it was not run. Send it again with smaller input (write a long file in parts), or raise max_tokens`,
      });
      return { ...block, input: {} };
    }
    if (deeperThan(block.input, MAX_INPUT_DEPTH)) {
      refused.push({ id: block.id, name: block.name, error: `invalid input for ${block.name}: it is nested more than ${MAX_INPUT_DEPTH} levels deep; send flatter input` });
      return { ...block, input: {} };
    }
    return block;
  });
  return { content, refused };
}

/** Whether a JSON value nests deeper than `limit` objects or arrays, found without recursion. */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.value === null || typeof item.value !== 'object') continue;
    const depth = item.depth + 1;
    if (depth > limit) return true;
    const children: unknown[] = Array.isArray(item.value) ? item.value : Object.values(item.value);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push({ value: child, depth });
  }
  return false;
}
