import { z } from 'zod';
import type { ToolSpec } from '../shared/tool-spec.js';
import type { Tool } from './tool.js';

export type { ToolSpec };

export class ToolSchemaError extends Error {
  override name = 'ToolSchemaError';
}

/** The JSON Schema of a tool's input (input side: fields with defaults are optional), without `$schema`. */
export function inputJsonSchema(tool: Tool): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.inputSchema, { io: 'input' });
  if (schema.type !== 'object') {
    throw new ToolSchemaError(`tool ${tool.name} has an input schema of type ${String(schema.type)}; tool inputs must be z.object(...)`);
  }
  return schema;
}

export function toolSpec(tool: Tool): ToolSpec {
  return { name: tool.name, description: tool.description, input_schema: inputJsonSchema(tool) };
}
