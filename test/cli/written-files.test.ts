import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { writtenFiles } from '../../src/cli/written-files.js';
import { tempDir } from '../helpers/board.js';

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("lists the files written since the workspace was made, whatever their names, and not the template's or installed packages", async () => {
  dir = tempDir('teamboard-written-');
  const write = (rel: string, text = 'x') => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('scripts/build.sh');
  write('notes/keep.md');
  // The template's copies keep their own (older) times.
  const old = new Date(Date.now() - 3_600_000);
  for (const rel of ['scripts/build.sh', 'notes/keep.md']) fs.utimesSync(path.join(dir, rel), old, old);
  const since = Date.now() - 1000;
  write('notes/outline.md');
  write('reports/wc.txt');
  write('notes/keep.md', 'changed by the team');
  write('node_modules/left-pad/index.js');
  expect((await writtenFiles(dir, since)).map((f) => f.path)).toEqual(['notes/keep.md', 'notes/outline.md', 'reports/wc.txt']);
  expect(await writtenFiles(path.join(dir, 'missing'), since)).toEqual([]);
});
