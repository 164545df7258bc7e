/** What a bench file's `run()` returns: one section of docs/benchmarks.md. */
export interface BenchSection {
  /** The section heading, e.g. "Task board". */
  title: string;
  /** Markdown under the heading (tables, notes); run.ts adds the machine and date line. */
  body: string;
}

/** Ops per second, rounded for tables (e.g. "12,345"). */
export function formatRate(ops: number, seconds: number): string {
  return Math.round(ops / seconds).toLocaleString('en-US');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
