export interface Size {
  columns: number;
  rows: number;
}

/** wide: four task columns side by side; compact: a 2×2 grid (80 columns); narrow: stacked. */
export type LayoutMode = 'wide' | 'compact' | 'narrow';

export function layoutMode(columns: number): LayoutMode {
  if (columns >= 100) return 'wide';
  if (columns >= 60) return 'compact';
  return 'narrow';
}

export function cellsPerRow(mode: LayoutMode): number {
  return mode === 'wide' ? 4 : mode === 'compact' ? 2 : 1;
}

/**
 * The frame height: one row short of the terminal, so the frame never fills the screen (a full
 * frame makes the terminal scroll and Ink fall back to clearing the screen on every redraw).
 */
export function frameHeight(size: Size): number {
  return Math.max(1, size.rows - 1);
}

export interface BodySplit {
  tasks: number;
  members: number;
  feed: number;
}

/** Share the body rows between the task columns, the members panel and the activity feed. */
export function splitBody(lines: number, memberCount: number, mode: LayoutMode): BodySplit {
  if (lines < 7) return { tasks: Math.max(0, lines), members: 0, feed: 0 };
  const gridRows = 4 / cellsPerRow(mode);
  const minTasks = gridRows * 3;
  const members = memberCount === 0 ? 0 : Math.min(1 + memberCount, Math.max(2, Math.floor(lines * 0.25)));
  let remaining = lines - members;
  if (remaining < minTasks) return { tasks: lines, members: 0, feed: 0 };
  let feed = 0;
  if (remaining - minTasks >= 3) {
    feed = Math.min(14, Math.max(3, Math.floor(remaining * 0.35)), remaining - minTasks);
  }
  remaining -= feed;
  return { tasks: remaining, members, feed };
}

export interface ColumnWindow {
  start: number;
  count: number;
  /** Items not shown (above and below the window). */
  hidden: number;
}

/**
 * Which items of a column fit in `lines` rows, each item costing `cost(i)` rows. When not all
 * fit, one row is kept for "+N more" and the window slides so the selected item stays visible.
 */
export function fitWindow(total: number, cost: (index: number) => number, lines: number, selected: number | null): ColumnWindow {
  let all = 0;
  for (let i = 0; i < total; i++) all += cost(i);
  if (all <= lines) return { start: 0, count: total, hidden: 0 };
  const room = Math.max(0, lines - 1);
  let count = 0;
  let used = 0;
  while (count < total && used + cost(count) <= room) used += cost(count++);
  let start = 0;
  if (selected !== null && selected >= count) {
    start = selected;
    used = cost(selected);
    count = 1;
    while (start > 0 && used + cost(start - 1) <= room) {
      start--;
      used += cost(start);
      count++;
    }
  }
  return { start, count, hidden: total - count };
}

/** Share `total` rows among parts round-robin, never giving a part more than it needs. */
export function allocateRows(total: number, needs: number[]): number[] {
  const heights = needs.map(() => 0);
  let left = total;
  let progressed = true;
  while (left > 0 && progressed) {
    progressed = false;
    for (let i = 0; i < needs.length && left > 0; i++) {
      if ((heights[i] ?? 0) < (needs[i] ?? 0)) {
        heights[i] = (heights[i] ?? 0) + 1;
        left--;
        progressed = true;
      }
    }
  }
  return heights;
}
