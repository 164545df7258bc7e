import type { Report } from './model.js';

/** The Report as JSON (times in epoch milliseconds; every string already cleaned of control characters). */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
