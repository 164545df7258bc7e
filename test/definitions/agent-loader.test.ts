import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowedTools, findAgent, listAgents, loadAgentFile } from '../../src/definitions/agent-loader.js';
import { DefinitionError } from '../../src/definitions/errors.js';
import { packageRoot } from '../../src/definitions/paths.js';
import { KNOWN_TOOLS } from '../../src/definitions/tool-names.js';
import { AGENT_FIXTURES, agentFile, tempDir, writeFiles } from './helpers.js';

const fixture = (name: string): string => path.join(AGENT_FIXTURES, `${name}.md`);
const load = (name: string) => loadAgentFile(fixture(name), { cwd: AGENT_FIXTURES });

function loadError(file: string, cwd = AGENT_FIXTURES): DefinitionError {
  try {
    loadAgentFile(file, { cwd });
  } catch (error) {
    if (error instanceof DefinitionError) return error;
    throw error;
  }
  throw new Error(`${file} loaded without an error`);
}

describe('agent frontmatter shapes', () => {
  it('reads tools as a comma string', () => {
    const def = load('comma-string');
    expect(def).toMatchObject({
      name: 'comma-string',
      description: 'Reviews notebooks for reproducibility problems.',
      model: 'sonnet',
      tools: ['Read', 'Grep', 'Glob', 'Bash'],
      toolPatterns: {},
      disallowedTools: [],
      unknownTools: [],
      body: 'You review notebooks and report cells that depend on hidden state.',
      source: 'path',
      extra: {},
      warnings: [],
    });
  });

  it('reads a YAML list, disallowedTools list and folded description', () => {
    const def = load('yaml-list');
    expect(def.description).toBe('Builds evaluation reports for classifiers, comparing every model against a baseline.');
    expect(def.model).toBe('opus');
    expect(def.tools).toEqual(['Read', 'Write', 'Bash', 'TaskList']);
    expect(def.disallowedTools).toEqual(['WebSearch', 'Write']);
    expect(def.body).toBe('# Evaluation reporter\n\nYou write evaluation reports.');
    expect(def.warnings).toEqual([]);
  });

  it('reads a flow list with Bash patterns and a disallowedTools string', () => {
    const def = load('flow-list');
    expect(def.tools).toEqual(['Read', 'Grep', 'Bash']);
    expect(def.toolPatterns).toEqual({ Bash: ['git log:*', 'git status:*'] });
    expect(def.disallowedTools).toEqual(['Edit']);
    expect(def.model).toBe('haiku');
  });

  it('uses the default_mode entry of a tool-mode map', () => {
    const def = load('modes-default');
    expect(def.tools).toEqual(['Read', 'Write', 'Edit', 'Bash']);
    expect(def.unknownTools).toEqual([]);
    expect(def.model).toBe('fable');
  });

  it('uses the union of all modes when there is no default_mode', () => {
    const def = load('modes-union');
    expect(def.tools).toEqual(['Read', 'Grep', 'Edit', 'Bash']);
    expect(def.model).toBeUndefined();
  });

  it('reads "*" and an absent tools line as all tools', () => {
    expect(load('star').tools).toBe('*');
    expect(load('star').model).toBe('claude-sonnet-5-5');
    expect(load('no-tools').tools).toBe('*');
    expect(load('no-tools').model).toBe('inherit');
  });

  it('keeps line breaks of a literal block description', () => {
    expect(load('literal-description').description).toBe('First line of the description.\nSecond line, kept on its own.');
  });

  it('turns \\n escapes of a double-quoted description into newlines', () => {
    expect(load('escaped-description').description).toBe(
      'Use for drift checks.\n\nExample: the weekly job reports a shift in tenure.\nAnswer: run the drift report.',
    );
  });

  it('reads a plain description that YAML rejects as text, with a warning', () => {
    const def = load('plain-escaped');
    expect(def.description).toBe(
      'Use this agent for churn questions.\n\nExample: someone asks "why did accounts leave?"\nAssistant: I will profile cancellations first.',
    );
    expect(def.model).toBe('sonnet');
    expect(def.extra).toEqual({ color: 'teal' });
    expect(def.warnings).toEqual([
      'plain-escaped.md:3: the value of "description" is not valid YAML (it contains ": " or a special character); it was read as plain text. Put it in quotes to silence this warning',
    ]);
  });

  it('ignores comments and keeps unknown fields in extra', () => {
    const def = load('comments-extra');
    expect(def.name).toBe('comments-extra');
    expect(def.extra).toEqual({ color: 'purple', tier: 'senior', escalation: { threshold: 0.5, to: 'lead' }, triggers: ['*train*'], version: '2.0.1' });
    expect(def.warnings).toEqual([]);
  });

  it('keeps several patterns of one tool', () => {
    const def = load('patterns');
    expect(def.tools).toEqual(['Read', 'Bash', 'Glob']);
    expect(def.toolPatterns).toEqual({ Bash: ['npm test:*', 'node scripts/*'] });
  });

  it('warns about tools teamboard does not provide, naming the file and line', () => {
    const def = load('unknown-tools');
    expect(def.tools).toEqual(['Read', 'mlflow', 'WebSearch', 'mcp__github__search_code', 'Task', 'Bash']);
    expect(def.unknownTools).toEqual(['mlflow', 'WebSearch', 'mcp__github__search_code', 'Task']);
    expect(def.warnings).toEqual([
      'unknown-tools.md:4: tool "bash" is spelled differently from "Bash"; using Bash',
      `unknown-tools.md:4: tools "mlflow", "WebSearch", "mcp__github__search_code", "Task" are not provided by teamboard and will be ignored (it provides ${KNOWN_TOOLS.join(', ')})`,
    ]);
  });

  it('splits frontmatter at the first closing fence only', () => {
    expect(load('body-with-rule').body).toBe('Intro paragraph.\n\n---\n\nAfter the rule.');
  });

  it('handles CRLF line endings and a byte order mark', () => {
    const dir = tempDir();
    const text = fs.readFileSync(fixture('yaml-list'), 'utf8').replace(/\n/g, '\r\n');
    fs.writeFileSync(path.join(dir, 'crlf.md'), `\uFEFF${text}`);
    const def = loadAgentFile(path.join(dir, 'crlf.md'));
    expect(def.name).toBe('yaml-list');
    expect(def.description).toBe('Builds evaluation reports for classifiers, comparing every model against a baseline.');
    expect(def.tools).toEqual(['Read', 'Write', 'Bash', 'TaskList']);
    expect(def.body).toBe('# Evaluation reporter\n\nYou write evaluation reports.');
    expect(def.body).not.toContain('\r');
  });

  it('loads an explicit path with any extension', () => {
    const dir = tempDir();
    fs.copyFileSync(fixture('comma-string'), path.join(dir, 'agent.txt'));
    expect(loadAgentFile(path.join(dir, 'agent.txt')).name).toBe('comma-string');
  });
});

describe('odd but loadable shapes', () => {
  it('an empty tools line means every tool, with a warning', () => {
    const def = load('tools-null');
    expect(def.tools).toBe('*');
    expect(def.warnings).toEqual([
      'tools-null.md:4: "tools" is empty, so the agent gets every tool. Fix: remove the line, or list tools such as "tools: Read, Grep, Bash"',
    ]);
  });

  it('an empty tools string means board tools only, with a warning', () => {
    const def = load('tools-empty-string');
    expect(def.tools).toEqual([]);
    expect(allowedTools(def, KNOWN_TOOLS)).toEqual(['TaskCreate', 'TaskList', 'TaskGet', 'TaskUpdate', 'AskUserQuestion', 'SendMessage']);
    expect(def.warnings).toEqual([
      'tools-empty-string.md:4: "tools" lists nothing, so the agent only gets the board tools (TaskCreate, TaskList, TaskGet, TaskUpdate, AskUserQuestion, SendMessage)',
    ]);
  });

  it('a missing description is a warning', () => {
    const def = load('no-description');
    expect(def.description).toBe('');
    expect(def.warnings).toEqual([
      'no-description.md:1: no description. Fix: add "description: <when to use this agent>" so people and teams know what it is for',
    ]);
  });

  it('a name with spaces loads, with a warning', () => {
    const def = load('name-with-spaces');
    expect(def.name).toBe('Data Wrangler');
    expect(def.warnings).toEqual([
      'name-with-spaces.md:2: name "Data Wrangler" is not kebab-case (lowercase letters, digits, hyphens); team files must spell it exactly as written',
    ]);
  });

  it('an unknown model value is passed through with a warning', () => {
    const def = load('unknown-model');
    expect(def.model).toBe('gpt-4o');
    expect(def.warnings).toEqual([
      'unknown-model.md:4: model "gpt-4o" is neither an alias (sonnet, opus, haiku, fable, mythos, inherit) nor a Claude model id; it will be sent to the API as written',
    ]);
  });
});

describe('broken agent files', () => {
  it('bad YAML names the file and line', () => {
    const error = loadError(fixture('broken-yaml'));
    expect(error.name).toBe('DefinitionError');
    expect(error.file).toBe(fixture('broken-yaml'));
    expect(error.line).toBe(6);
    expect(error.message).toBe(
      'broken-yaml.md:6: bad YAML in frontmatter: A block sequence may not be used as an implicit map key. Fix the indentation (spaces, not tabs) or put the value in quotes',
    );
  });

  it('a missing name is an error', () => {
    const error = loadError(fixture('missing-name'));
    expect(error.line).toBe(1);
    expect(error.message).toBe('missing-name.md:1: missing "name" in frontmatter. Fix: add a line such as "name: missing-name" between the --- lines');
  });

  it('a missing closing fence is an error', () => {
    const error = loadError(fixture('unclosed'));
    expect(error.line).toBe(1);
    expect(error.message).toBe(
      'unclosed.md:1: the frontmatter opened here is never closed. Fix: add a line "---" after the last field (name, description, tools, ...) and before the prompt',
    );
  });

  it('a file without frontmatter is an error', () => {
    const dir = tempDir();
    writeFiles(dir, { 'notes.md': '# Just notes\n' });
    expect(loadError(path.join(dir, 'notes.md'), dir).message).toBe(
      'notes.md:1: no frontmatter. Fix: start the file with a line "---", then fields such as "name: my-agent" and "description: ...", then a closing "---" line before the prompt',
    );
  });

  it('a missing file is an error', () => {
    expect(loadError('nope.md').message).toBe('nope.md: cannot read agent file: file not found. Fix: check the path');
  });
});

describe('allowedTools', () => {
  it('resolves *, lists, patterns and disallowedTools against the tools we provide, always adding board tools', () => {
    const board = ['TaskCreate', 'TaskList', 'TaskGet', 'TaskUpdate', 'AskUserQuestion', 'SendMessage'];
    expect(allowedTools(load('star'), KNOWN_TOOLS)).toEqual([...KNOWN_TOOLS]);
    expect(allowedTools(load('comma-string'), KNOWN_TOOLS)).toEqual([...board, 'Read', 'Glob', 'Grep', 'Bash']);
    expect(allowedTools(load('yaml-list'), KNOWN_TOOLS)).toEqual([...board, 'Read', 'Bash']);
    expect(allowedTools(load('flow-list'), KNOWN_TOOLS)).toEqual([...board, 'Read', 'Grep', 'Bash']);
    expect(allowedTools(load('unknown-tools'), ['Read', 'Bash'])).toEqual(['Read', 'Bash', ...board]);
  });
});

describe('search path', () => {
  let cwd: string;
  let home: string;
  beforeEach(() => {
    cwd = tempDir('teamboard-cwd-');
    home = tempDir('teamboard-home-');
  });
  afterEach(() => {
    fs.rmSync(cwd, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('prefers ./agents over ./.claude/agents over ~/.claude/agents over built-in', () => {
    writeFiles(cwd, {
      'agents/ml-engineer.md': agentFile('ml-engineer', 'model: opus\n'),
      '.claude/agents/ml-engineer.md': agentFile('ml-engineer', 'model: haiku\n'),
      '.claude/agents/data-scientist.md': agentFile('data-scientist', 'model: haiku\n'),
    });
    writeFiles(home, {
      '.claude/agents/ml-engineer.md': agentFile('ml-engineer'),
      '.claude/agents/data-scientist.md': agentFile('data-scientist'),
      '.claude/agents/devops-engineer.md': agentFile('devops-engineer', 'model: fable\n'),
    });
    const opts = { cwd, home };
    expect(findAgent('ml-engineer', opts)).toMatchObject({ source: 'project', model: 'opus', path: path.join(cwd, 'agents/ml-engineer.md') });
    expect(findAgent('data-scientist', opts)).toMatchObject({ source: 'claude-project', model: 'haiku' });
    expect(findAgent('devops-engineer', opts)).toMatchObject({ source: 'user', model: 'fable' });
    expect(findAgent('mlops-engineer', opts)).toMatchObject({ source: 'builtin', path: path.join(packageRoot(), 'agents/mlops-engineer.md') });
    expect(findAgent('nobody', opts)).toBeUndefined();

    const listing = listAgents(opts);
    const ml = listing.agents.find((entry) => entry.name === 'ml-engineer');
    expect(ml?.definition.source).toBe('project');
    expect(ml?.shadowed.map((def) => def.source)).toEqual(['claude-project', 'user', 'builtin']);
    expect(listing.agents.map((entry) => entry.name)).toEqual(['data-scientist', 'devops-engineer', 'ml-engineer', 'mlops-engineer']);
    expect(listing.errors).toEqual([]);
  });

  it('finds agents by their name field, not the file name', () => {
    writeFiles(cwd, { 'agents/odd-file-name.md': agentFile('reviewer') });
    expect(findAgent('reviewer', { cwd, home })?.path).toBe(path.join(cwd, 'agents/odd-file-name.md'));
  });

  it('skips notes without frontmatter and reports broken files', () => {
    writeFiles(cwd, { 'agents/README.md': '# Our agents\n', 'agents/broken.md': '---\nname: broken\n' });
    const listing = listAgents({ cwd, home });
    expect(listing.skipped).toEqual([path.join(cwd, 'agents/README.md')]);
    expect(listing.errors.map((error) => error.message)).toEqual([
      'agents/broken.md:1: the frontmatter opened here is never closed. Fix: add a line "---" after the last field (name, description, tools, ...) and before the prompt',
    ]);
    expect(() => findAgent('broken', { cwd, home })).toThrow(DefinitionError);
  });

  it('loads an explicit path given instead of a name', () => {
    writeFiles(cwd, { 'custom/helper.agent': agentFile('helper') });
    expect(findAgent('custom/helper.agent', { cwd, home })).toMatchObject({ name: 'helper', source: 'path' });
  });
});

describe('built-in agents', () => {
  it.each(['data-scientist', 'ml-engineer', 'mlops-engineer', 'devops-engineer'])('%s loads cleanly with the workspace tools', (name) => {
    const def = loadAgentFile(path.join(packageRoot(), 'agents', `${name}.md`));
    expect(def.name).toBe(name);
    expect(def.warnings).toEqual([]);
    expect(def.tools).toEqual(['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash']);
    expect(def.description.length).toBeGreaterThan(40);
    const lines = def.body.split('\n').length;
    expect(lines).toBeGreaterThanOrEqual(40);
    expect(lines).toBeLessThanOrEqual(90);
    for (const tool of ['TaskList', 'TaskUpdate', 'TaskGet', 'AskUserQuestion', 'SendMessage']) expect(def.body).toContain(tool);
  });
});

describe('more odd shapes', () => {
  function write(text: string): string {
    const dir = tempDir();
    const file = path.join(dir, 'odd.md');
    fs.writeFileSync(file, text);
    return file;
  }

  it('reads space-separated tools, numbers as text and blank lines before the fence', () => {
    const def = loadAgentFile(write('\n\n--- \nname: 42\ndescription: 7\ntools: Read Write  Bash,Glob\n---\nBody\n'));
    expect(def.name).toBe('42');
    expect(def.description).toBe('7');
    expect(def.tools).toEqual(['Read', 'Write', 'Bash', 'Glob']);
  });

  it('falls back to every mode when default_mode names no mode; disallowed patterns keep the tool', () => {
    const file = write('---\nname: modes\ndescription: d\ntools:\n  a: [Read]\n  b: Bash, Write\n  default_mode: c\ndisallowedTools: Bash(rm:*), Write\n---\nBody\n');
    const def = loadAgentFile(file);
    expect(def.tools).toEqual(['Read', 'Bash', 'Write']);
    expect(def.disallowedTools).toEqual(['Bash(rm:*)', 'Write']);
    expect(allowedTools(def, ['Read', 'Write', 'Bash'])).toEqual(['Read', 'Bash', 'TaskCreate', 'TaskList', 'TaskGet', 'TaskUpdate', 'AskUserQuestion', 'SendMessage']);
    expect(def.warnings).toEqual([`${file}:4: default_mode "c" is not one of the modes (a, b); using the tools of every mode`]);
  });

  it('rejects empty frontmatter, duplicate keys and tab indentation with a fitting fix', () => {
    expect(() => loadAgentFile(write('---\n---\nBody\n'))).toThrow(/odd\.md:1: missing "name" in frontmatter\. Fix: add a line such as "name: odd" between the --- lines$/);
    expect(() => loadAgentFile(write('---\nname: a\nname: b\n---\nBody\n'))).toThrow(/odd\.md:3: bad YAML in frontmatter: Map keys must be unique\. Fix: keep only one of the lines with this key$/);
    expect(() => loadAgentFile(write('---\nname: a\ntools:\n\t- Read\n---\nBody\n'))).toThrow(/odd\.md:4: bad YAML in frontmatter: Tabs are not allowed as indentation\. Fix: indent with spaces, not tabs$/);
  });
});

describe('plain values YAML rejects', () => {
  it('reads a multi-line plain value with ": " inside as text', () => {
    const dir = tempDir();
    const file = path.join(dir, 'wrapped.md');
    fs.writeFileSync(file, '---\nname: wrapped\ndescription: Use when asked: which customers leave\n  and why they leave.\nmodel: haiku\n---\nBody\n');
    const def = loadAgentFile(file);
    expect(def.description).toBe('Use when asked: which customers leave and why they leave.');
    expect(def.model).toBe('haiku');
    expect(def.warnings).toHaveLength(1);
  });
});

describe('structure under a plain value', () => {
  it('stays an error', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.md');
    fs.writeFileSync(file, '---\nname: bad\ntools: Read\n  extra: Write\n---\nBody\n');
    expect(() => loadAgentFile(file)).toThrow(/bad\.md:3: bad YAML in frontmatter: /);
  });
});
