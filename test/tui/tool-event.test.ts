import { describe, expect, it } from 'vitest';
import { outputLines, toolCallDetails } from '../../src/runtime/tool-event.js';

const bash = (body: Record<string, unknown>) => JSON.stringify(body);

describe('toolCallDetails: what a tool.called event keeps', () => {
  it('keeps a command exit code and the last 12 lines of stdout then stderr', () => {
    const stdout = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const details = toolCallDetails('Bash', { command: 'node train.js' }, bash({ exitCode: 2, stdout: `${stdout}\n`, stderr: 'Error: no data\n' }), false);
    expect(details.exitCode).toBe(2);
    expect(details.output).toEqual([...Array.from({ length: 11 }, (_, i) => `line ${i + 10}`), 'Error: no data']);
    expect(details.files).toBeUndefined();
  });

  it('cuts long lines, drops colours, control characters and progress redraws', () => {
    const long = 'x'.repeat(500);
    const details = toolCallDetails('Bash', { command: 'x' }, bash({ exitCode: 0, stdout: `\u001B[32mok\u001B[0m\n10%\r50%\r100%\n${long}\n\n`, stderr: '' }), false);
    expect(details.output?.[0]).toBe('ok');
    expect(details.output?.[1]).toBe('100%');
    expect(details.output?.[2]).toHaveLength(200);
    expect(details.output?.[2]?.endsWith('…')).toBe(true);
    expect(details.output).toHaveLength(3);
  });

  it('a command that printed nothing has an exit code and no output; a killed one a null exit code', () => {
    expect(toolCallDetails('Bash', {}, bash({ exitCode: 0, stdout: '', stderr: '' }), false)).toEqual({ exitCode: 0 });
    expect(toolCallDetails('Bash', {}, bash({ exitCode: null, stdout: 'partial', stderr: '', interrupted: true }), true)).toEqual({ exitCode: null, output: ['partial'] });
  });

  it('a refused or unstartable command has no details', () => {
    expect(toolCallDetails('Bash', { command: 'rm -rf /' }, bash({ error: 'command refused' }), true)).toEqual({});
    expect(toolCallDetails('Bash', { command: 'x' }, 'not json', true)).toEqual({});
  });

  it('Write and Edit name the file they wrote, as the tool reported it; a failed write names none', () => {
    expect(toolCallDetails('Write', { file_path: './reports/card.md', content: '#' }, bash({ ok: true, path: 'reports/card.md', bytes: 1 }), false)).toEqual({ files: ['reports/card.md'] });
    expect(toolCallDetails('Edit', { file_path: 'a.py', old_string: 'a', new_string: 'b' }, 'done', false)).toEqual({ files: ['a.py'] });
    expect(toolCallDetails('Write', { file_path: '../x', content: '' }, bash({ error: 'outside' }), true)).toEqual({});
  });

  it('other tools have no details', () => {
    expect(toolCallDetails('Read', { file_path: 'a' }, 'text', false)).toEqual({});
    expect(toolCallDetails('TaskUpdate', { taskId: 1 }, bash({ ok: true }), false)).toEqual({});
  });

  it('outputLines keeps inner blank lines and expands tabs', () => {
    expect(outputLines('a\n\n\tb\n\n')).toEqual(['a', '', '    b']);
    expect(outputLines('')).toEqual([]);
  });
});
