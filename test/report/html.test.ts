import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, reportHtml } from '../../src/report/index.js';
import { GATE_WAIT_COLOR, OFF_COLOR, PERSON_WAIT_COLOR, TIMELINE_BACKGROUND, stageColor } from '../../src/report/html-timeline.js';
import type { Report } from '../../src/report/model.js';
import { tempDir } from '../helpers/board.js';
import { dumpDom, findChromium, screenshot } from './chromium.js';
import { churnFixture, type ChurnFixture } from './fixture.js';
import { boxOf, countColor, readPng } from './png.js';

const CHROMIUM = findChromium();
if (CHROMIUM === null) {
  console.warn('\n*** test/report/html.test.ts: chromium is missing, so the HTML report is NOT rendered in a browser. Install it: apt-get install chromium ***\n');
}

describe('the HTML report', () => {
  let f: ChurnFixture;
  let report: Report;
  let page: string;
  let dir: string;

  beforeAll(async () => {
    f = await churnFixture();
    report = await buildReport(f.t.board, f.runId);
    dir = tempDir('teamboard-report-');
    page = path.join(dir, 'report.html');
    fs.writeFileSync(page, reportHtml(report));
  });
  afterAll(async () => {
    await f.t.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is one self-contained file: inline style and SVG, no script, nothing fetched, agents’ text escaped', () => {
    const html = fs.readFileSync(page, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain('<svg class="timeline"');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\((?!#)/i);
    // No tag has an attribute that loads something or runs something.
    expect(html).not.toMatch(/<[^>]*\s(?:src|href|srcset|on[a-z]+)\s*=/i);
    // The SVG namespace is the only URL in the page, and it is a name, not a request.
    expect(html.match(/https?:\/\/[^\s"'<]*/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(html).toContain('Set up drift monitoring &lt;script&gt;alert(1)&lt;/script&gt; RED');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(html).toContain(report.headline.text);
  });

  it.skipIf(CHROMIUM === null)('renders in headless Chromium, and the timeline is drawn: a bar per task attempt in stage colours, and the waits', async () => {
    const binary = CHROMIUM ?? '';
    const png = path.join(dir, 'report.png');
    const [dom] = await Promise.all([dumpDom(binary, page), screenshot(binary, page, png)]);

    // The DOM the browser built: one bar per attempt, no element made of an agent's text.
    const attempts = report.timeline.rows.flatMap((r) => r.bars);
    expect(attempts).toHaveLength(8);
    expect(dom.match(/<rect class="bar[ "]/g)).toHaveLength(attempts.length);
    for (const bar of attempts) expect(dom).toContain(`data-task="${bar.taskId}" data-attempt="${bar.attempt}"`);
    expect(dom.match(/<rect class="wait wait-person"/g)).toHaveLength(2);
    expect(dom.match(/<rect class="wait wait-gate"/g)?.length).toBeGreaterThan(0);
    expect(dom).not.toMatch(/<script|<img/i);
    expect(dom).toContain('Completed in 1m13s');

    // The picture: find the timeline's plot area by its background, then each stage's colour in it.
    const image = readPng(fs.readFileSync(png));
    expect([image.width, image.height]).toEqual([1200, 900]);
    const plot = boxOf(image, TIMELINE_BACKGROUND);
    expect(plot, 'the timeline plot area is on the screenshot').not.toBeNull();
    if (plot === null) return;
    expect(plot.right - plot.left).toBeGreaterThan(800);
    const drawn = Object.fromEntries(report.stages.map((stage, i) => [stage, countColor(image, stageColor(i), plot)]));
    for (const stage of ['data', 'features', 'training', 'validation', 'deploy']) {
      expect(drawn[stage], `pixels of stage ${stage}'s colour in the timeline`).toBeGreaterThan(300);
    }
    expect(countColor(image, PERSON_WAIT_COLOR, plot), 'waits on a person').toBeGreaterThan(20);
    expect(countColor(image, GATE_WAIT_COLOR, plot), 'waits on a gate').toBeGreaterThan(50);
    expect(countColor(image, OFF_COLOR, plot), 'the pause').toBeGreaterThan(1000);
  });
});
