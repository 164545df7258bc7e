import os from 'node:os';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimServerCommand } from '../../src/cli/commands/sim-server.js';
import type { CommandIO } from '../../src/cli/io.js';
import { createAnthropicModel } from '../../src/models/anthropic.js';
import { request } from './helpers.js';

function harness() {
  const out: string[] = [];
  const err: string[] = [];
  const state = { exitCode: 0 };
  const io: CommandIO = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    setExitCode: (code) => void (state.exitCode = code),
    cwd: () => process.cwd(),
    home: () => os.homedir(),
    env: {},
  };
  const controller = new AbortController();
  const program = new Command().exitOverride();
  registerSimServerCommand(program, io, { signal: controller.signal });
  return { program, out, err, state, controller };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('team sim-server', () => {
  it('serves the simulated model to the real SDK until stopped', async () => {
    const { program, out, controller } = harness();
    const running = program.parseAsync(['node', 'team', 'sim-server', '--port', '0', '--seed', '3', '--speed', '1000']);
    await until(() => out.join('').includes('listening on'));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out.join(''))?.[1];
    expect(url).toBeDefined();
    expect(out.join('')).toContain(`ANTHROPIC_API_KEY=x ANTHROPIC_BASE_URL=${url} team start churn-project`);

    const model = createAnthropicModel({ apiKey: 'x', baseURL: url });
    const response = await model.send(request('mle', [{ role: 'user', content: 'You have been added to the team. Find work on the board.' }]));
    expect(response.stopReason).toBe('tool_use');
    expect(response.content.find((block) => block.type === 'tool_use')).toMatchObject({ type: 'tool_use', name: 'TaskList', input: {} });
    expect(response.usage.cache_creation_input_tokens).toBeGreaterThan(0);

    controller.abort();
    await running;
    expect(out.at(-1)).toBe('stopped after 1 message request\n');
  });

  it('refuses a fail rate outside 0-1 with a one-line error', async () => {
    const { program, err, state } = harness();
    await program.parseAsync(['node', 'team', 'sim-server', '--fail-rate', '2']);
    expect(err).toEqual(['team: --fail-rate must be a number from 0 to 1 (e.g. 0.1), got "2"\n']);
    expect(state.exitCode).toBe(1);
  });
});
