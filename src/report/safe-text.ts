/**
 * Agents write subjects, notes and answers, and may write anything: terminal escape sequences that
 * recolour or rewrite a terminal, control characters, bidi overrides that disguise text, markup.
 * Everything a person reads in a report passes through here first.
 */

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings, two-byte ESC sequences, C1 CSI.
const ESCAPE_SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[ -/]*[0-~]|\x9b[0-?]*[ -/]*[@-~]/g;
// Control characters other than tab and newline, and the bidi embedding/override/isolate marks.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** The text without escape sequences and control characters (tabs and newlines stay). */
export function cleanText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

/** Clean text on one line: runs of whitespace (newlines included) become one space. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** Clean text for HTML: escape sequences and control characters removed, markup characters escaped. */
export function escapeHtml(text: string): string {
  return cleanText(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Clean one-line text for Markdown: `<` is backslash-escaped so no renderer takes it for a tag
 * (`\<script>` shows as `<script>`), brackets so it makes no link or image (which would load a
 * URL), pipes so it stays in its table cell. The rest stays as written, to read well in a terminal.
 */
export function escapeMarkdown(text: string): string {
  return cleanLine(text).replace(/([\\<[\]|])/g, '\\$1');
}
