/**
 * A tagged template for HTML that escapes by default: every interpolated string is cleaned and
 * escaped; only markup built by this same template (or `raw` for the report's own constants)
 * goes in as it is. Agents' text can therefore never become markup.
 */
import { escapeHtml } from './safe-text.js';

export class Markup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export type Value = string | number | Markup | readonly Value[] | null | undefined | false;

/** Markup written by the report itself (never anything read from the board). */
export function raw(html: string): Markup {
  return new Markup(html);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.html;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(render).join('');
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}
