/** A tool as the Anthropic Messages API `tools` parameter takes it: what the tools layer makes and the models send. */
export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}
