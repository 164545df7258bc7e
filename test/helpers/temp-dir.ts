import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder by its real path (macOS /var is a symlink), as the CLI reports it. */
export function tempDir(prefix = 'teamboard-test-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}
