/** Headless Chromium (Debian's `chromium`) for rendering report pages: a screenshot, or the DOM it built. */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { tempDir } from '../helpers/board.js';

/** The browser, if installed: `chromium` on PATH (Debian's package puts it in /usr/bin). */
export function findChromium(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat('/usr/bin')) {
    const file = path.join(dir, 'chromium');
    if (dir !== '' && fs.existsSync(file)) return file;
  }
  return null;
}

// No network, no first-run work, a profile of its own each time; sRGB so colours come out exact.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--force-color-profile=srgb',
  '--hide-scrollbars',
];

async function chromium(binary: string, args: string[]): Promise<string> {
  const profile = tempDir('teamboard-chromium-');
  try {
    const result = await execa(binary, [...FLAGS, `--user-data-dir=${profile}`, ...args], { timeout: 90_000, reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0) throw new Error(`chromium exited with ${result.exitCode}: ${result.stderr.split('\n').slice(-5).join('\n')}`);
    return result.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** Render a page file and write a PNG screenshot of the window. */
export async function screenshot(binary: string, page: string, png: string, size = { width: 1200, height: 900 }): Promise<void> {
  await chromium(binary, [`--screenshot=${png}`, `--window-size=${size.width},${size.height}`, `file://${page}`]);
  if (!fs.existsSync(png)) throw new Error(`chromium wrote no screenshot to ${png}`);
}

/** The DOM Chromium built from a page file, serialized. */
export async function dumpDom(binary: string, page: string): Promise<string> {
  return chromium(binary, ['--dump-dom', `file://${page}`]);
}
