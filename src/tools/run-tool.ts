import type { z } from 'zod';
import { inputJsonSchema } from './json-schema.js';
import { fail, type Tool, type ToolContext, type ToolResult } from './tool.js';

/**
 * Validates raw model input against the tool's schema and runs it. Invalid input and
 * exceptions thrown by the tool come back as error results the model can act on.
 * Unknown fields are dropped (z.object strips them); wrong types are refused.
 */
export async function runTool(tool: Tool, rawInput: unknown, ctx: ToolContext): Promise<ToolResult> {
  const parsed = tool.inputSchema.safeParse(rawInput);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeIssue(issue, rawInput)).join('; ');
    return fail(`invalid input for ${tool.name}: ${problems}. Expected fields: ${expectedFields(tool)}`);
  }
  try {
    return await tool.execute(parsed.data, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(`${tool.name} failed: ${message}`);
  }
}

function describeIssue(issue: z.core.$ZodIssue, rawInput: unknown): string {
  const where = issue.path.map(String).join('.');
  const expected = issue.code === 'invalid_type' ? typeExpected(issue.expected) : unionExpected(issue);
  if (expected !== undefined) {
    const value = valueAt(rawInput, issue.path);
    if (value === undefined && where !== '') return `${where}: missing (expected ${expected})`;
    return `${where || 'input'}: expected ${expected}, received ${describeValue(value)}`;
  }
  const message = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  return `${where || 'input'}: ${message}`;
}

function typeExpected(expected: string): string {
  return expected === 'int' ? 'integer' : expected;
}

/** A union of plain types (e.g. string | integer) refused by type: "string|number". */
function unionExpected(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  const branches = issue.errors.map((branch) => (branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0 ? branch[0] : undefined));
  if (branches.length === 0 || branches.some((b) => b === undefined)) return undefined;
  return [...new Set(branches.map((b) => typeExpected(b?.code === 'invalid_type' ? b.expected : '')))].join('|');
}

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of keys) {
    if (Array.isArray(value)) value = typeof key === 'number' ? value[key] : undefined;
    else if (isRecord(value) && typeof key !== 'symbol') value = value[key];
    else return undefined;
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'number' : `number ${value}`;
  return typeof value;
}

/** `file_path (string), offset? (integer)`, from the JSON Schema the model sees. */
export function expectedFields(tool: Tool): string {
  const schema = inputJsonSchema(tool);
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const fields = Object.entries(properties).map(([name, property]) => `${name}${required.has(name) ? '' : '?'} (${typeName(property)})`);
  return fields.length > 0 ? fields.join(', ') : 'none';
}

function typeName(schema: unknown): string {
  if (!isRecord(schema)) return 'any';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join('|');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return variants.map(typeName).join('|');
  if (schema.type === 'array') {
    if (!isRecord(schema.items)) return 'array';
    const item = typeName(schema.items);
    return item.includes('|') ? `(${item})[]` : `${item}[]`;
  }
  if (Array.isArray(schema.type)) return schema.type.join('|');
  return typeof schema.type === 'string' ? schema.type : 'any';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
