/** A few words saying what a tool call does, for the activity feed. */
export function summarizeCall(tool: string, input: unknown): string {
  const i = isRecord(input) ? input : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
  switch (tool) {
    case 'Bash':
      return clip(str(i.command));
    case 'Read':
    case 'Write':
    case 'Edit':
      return clip(str(i.file_path));
    case 'Glob':
    case 'Grep':
      return clip(str(i.pattern));
    case 'TaskGet':
      return `#${str(i.taskId)}`;
    case 'TaskUpdate': {
      const parts = [`#${str(i.taskId)}`];
      if (i.status) parts.push(`-> ${str(i.status)}`);
      if (i.metadata && typeof i.metadata === 'object') parts.push(`metadata ${Object.keys(i.metadata).join(',')}`);
      if (i.owner) parts.push(`owner ${str(i.owner)}`);
      return clip(parts.join(' '));
    }
    case 'TaskCreate':
      return clip(str(i.subject));
    case 'AskUserQuestion': {
      const qs = Array.isArray(i.questions) ? i.questions : [];
      return clip(qs.map((q) => str(isRecord(q) ? q.header : undefined)).join(', '));
    }
    case 'SendMessage':
      return clip(`to ${str(i.to)}: ${str(i.summary ?? i.message)}`);
    default:
      return '';
  }
}

function clip(text: string, width = 100): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
