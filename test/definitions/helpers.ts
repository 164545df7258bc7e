import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const AGENT_FIXTURES = path.join(FIXTURES, 'agents');

export function tempDir(prefix = 'teamboard-defs-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Write files (path -> content) under root, creating folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

export function agentFile(name: string, extra = ''): string {
  return `---\nname: ${name}\ndescription: Test agent ${name}.\n${extra}---\nYou are ${name}.\n`;
}
