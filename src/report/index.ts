/** `team export N --format md|json|html`: build the report of a run, then render it. */
export { buildReport } from './build.js';
export { formatDuration, runDuration } from './duration.js';
export { reportHtml } from './html.js';
export { reportJson } from './json.js';
export { reportMarkdown } from './markdown.js';
export type { Report } from './model.js';
