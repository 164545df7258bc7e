/** The report page's stylesheet: inline, no web fonts or images, and it prints as it looks. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --soft: #f8fafc; --accent: #2563eb; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef1f5; color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 24px 40px; }
section, header.top { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px; margin-bottom: 16px; }
h1 { font-size: 21px; line-height: 1.35; margin: 6px 0 4px; font-weight: 650; }
h2 { font-size: 16px; margin: 0 0 12px; font-weight: 650; }
h3 { font-size: 14px; margin: 0 0 8px; font-weight: 600; }
p { margin: 6px 0; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; word-break: break-all; }
.eyebrow { color: var(--muted); font-size: 12.5px; }
.desc { color: #334155; max-width: 900px; }
.outcome { display: inline-block; font-size: 12px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase; border-radius: 999px; padding: 2px 10px; }
.outcome-completed { background: #dcfce7; color: #166534; }
.outcome-dry-run { background: #e0e7ff; color: #3730a3; }
.outcome-failed, .outcome-crashed { background: #fee2e2; color: #991b1b; }
.outcome-stopped { background: #fef3c7; color: #92400e; }
.outcome-running, .outcome-paused { background: #dbeafe; color: #1e40af; }
.next { margin-top: 4px; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 10px 18px; margin: 14px 0 0; }
.facts div { border-left: 3px solid var(--line); padding-left: 10px; }
.facts dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.facts dd { margin: 2px 0 0; font-weight: 600; }
.facts dd small { display: block; font-weight: 400; color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.replaced td { color: var(--muted); }
tr.replaced .subject { text-decoration: line-through; }
tfoot td { font-weight: 650; border-top: 2px solid var(--line); }
.muted { color: var(--muted); }
.small { font-size: 12.5px; }
.tag { display: inline-block; font-size: 11.5px; border-radius: 4px; padding: 0 6px; margin-left: 4px; background: #f1f5f9; color: #334155; border: 1px solid var(--line); white-space: nowrap; }
.tag.warn { background: #fff7ed; color: #9a3412; border-color: #fed7aa; }
.stage { display: inline-flex; align-items: center; gap: 5px; white-space: nowrap; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 3px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin-top: 10px; color: #334155; font-size: 12.5px; }
.legend .item { display: inline-flex; align-items: center; gap: 6px; }
.legend .strip { display: inline-block; width: 18px; height: 5px; border-radius: 2px; }
.legend .hollow { display: inline-block; width: 16px; height: 11px; border-radius: 3px; border: 1.5px dashed #64748b; background: #e2e8f0; }
.legend .band { display: inline-block; width: 16px; height: 11px; background: repeating-linear-gradient(45deg, #d9dee7 0 4px, #fff 4px 6px); }
.legend .diamond { display: inline-block; width: 9px; height: 9px; transform: rotate(45deg); }
svg.timeline { display: block; font-family: inherit; }
svg.timeline .tick { stroke: #dfe5ee; stroke-width: 1; }
svg.timeline .tick-label { font-size: 11px; fill: #64748b; text-anchor: middle; }
svg.timeline .row-line { stroke: #edf0f4; }
svg.timeline .member { font-size: 13px; font-weight: 650; fill: #0f172a; }
svg.timeline .role { font-size: 11px; fill: #64748b; }
svg.timeline .bar-label { font-size: 11px; font-weight: 650; fill: #fff; pointer-events: none; }
svg.timeline .bar-label.dark { fill: #334155; }
svg.timeline .off-label { font-size: 11px; fill: #475569; text-anchor: middle; }
svg.timeline .empty { font-size: 13px; fill: #64748b; text-anchor: middle; }
.pill { display: inline-flex; align-items: center; gap: 5px; border-radius: 999px; padding: 1px 10px; font-size: 12.5px; font-weight: 650; white-space: nowrap; }
.pill-passed { background: #dcfce7; color: #166534; }
.pill-overridden { background: #fef3c7; color: #92400e; border: 1px dashed #d97706; }
.pill-failed { background: #fee2e2; color: #991b1b; }
.pill-stopped { background: #1f2937; color: #fff; }
.pill-closed { background: #f1f5f9; color: #475569; border: 1px solid #cbd5e1; }
.pill-waiting { background: #dbeafe; color: #1e40af; }
.gates { display: grid; gap: 12px; }
.gate { border: 1px solid var(--line); border-left-width: 5px; border-radius: 8px; padding: 10px 14px; }
.gate-passed { border-left-color: #16a34a; }
.gate-overridden { border-left-color: #d97706; border-left-style: dashed; }
.gate-failed { border-left-color: #dc2626; }
.gate-stopped { border-left-color: #111827; }
.gate-closed { border-left-color: #94a3b8; }
.gate-waiting { border-left-color: #2563eb; }
.gate .head { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; }
.gate .what { font-weight: 600; }
.gate dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; }
.gate dt { color: var(--muted); }
.gate dd { margin: 0; }
.gate ol { margin: 6px 0 0; padding-left: 20px; color: #334155; }
.note { background: #fffbeb; border: 1px solid #fde68a; border-radius: 6px; padding: 2px 8px; }
.answer { font-weight: 650; }
.picked { display: inline-block; background: #eff6ff; border: 1px solid #bfdbfe; color: #1e3a8a; border-radius: 5px; padding: 0 6px; margin: 1px 4px 1px 0; font-weight: 600; }
.own-words { font-style: italic; }
td.answer-cell { min-width: 190px; }
.options { color: var(--muted); font-size: 12.5px; }
.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; align-items: start; }
.metric-card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; break-inside: avoid; }
.metric-card.replaced { opacity: .65; border-style: dashed; }
.metric-card table td, .metric-card table th { padding: 3px 8px; }
.share { display: inline-block; height: 6px; border-radius: 3px; background: #93c5fd; vertical-align: middle; margin-left: 6px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 8px; }
@media print {
  body { background: #fff; font-size: 12px; }
  main { max-width: none; padding: 0; }
  section, header.top { border: none; border-radius: 0; padding: 8px 0; margin: 0 0 10px; break-inside: avoid-page; }
  section#tasks, section#cost, section#metrics, section#decisions { break-inside: auto; }
  tr, .gate, .metric-card { break-inside: avoid; }
}
@page { margin: 14mm; }
`;
