/**
 * Drawings of a computational graph like the lecture's slides: each gate with its forward value (green) above
 * and its gradient (red) below, inputs on the left, the output on the right. As SVG (drawn here: a layered
 * layout of boxes and arrows is a few lines, and no charting grammar draws graphs) and as Graphviz DOT.
 */
import { clipMiddle } from '../format.js';
import { GATES } from './gates.js';
import { topologicalOrder, type Value } from './value.js';

/** How a node is named in pictures and tables: an input's or staged name, else its gate. */
export function nodeTitle(v: Value): string {
  if (v.op === 'input') return v.label ?? 'input';
  if (v.op === 'const') return fmt(v.data);
  const gate = v.op === 'pow' ? `^${fmt(v.k)}` : GATES[v.op].symbol;
  return v.label !== undefined ? `${v.label} (${gate})` : gate;
}

export function fmt(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? x.toFixed(2) : x.toExponential(2);
}

/** A title on one line and of a drawable length (the expression may be any size; the width follows the title). */
const titleLine = (title: string | undefined) => (title === undefined ? undefined : clipMiddle(title.replace(/\s+/g, ' ').trim(), 160));

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The graph under `root` drawn as SVG: each node with its operation, value and gradient, inputs on the left. */
export function graphSvg(root: Value, fullTitle?: string): string {
  const title = titleLine(fullTitle);
  const order = topologicalOrder(root);
  // layer = longest path from an input
  const layer = new Map<Value, number>();
  for (const v of order) layer.set(v, Math.max(-1, ...v.children.map((c) => layer.get(c) ?? 0)) + 1);
  // constants sit just before the gate that uses them (the slides' "+1" and "×(−1)"), not with the inputs
  for (const v of order) {
    for (const c of v.children) if (c.op === 'const') layer.set(c, Math.max(0, (layer.get(v) ?? 1) - 1));
  }
  const layers: Value[][] = [];
  for (const v of order) (layers[layer.get(v) ?? 0] ??= []).push(v);
  const colW = 150;
  const rowH = 86;
  const boxW = 100;
  const boxH = 34;
  const top = title ? 76 : 44;
  const maxRows = Math.max(...layers.map((l) => l.length));
  // wide enough for the title (about 9 px a character at 15 px bold)
  const width = Math.max(40 + layers.length * colW, title ? 32 + title.length * 9 : 0);
  const height = top + maxRows * rowH + 20;
  const pos = new Map<Value, { x: number; y: number }>();
  layers.forEach((nodes, c) => {
    const offset = ((maxRows - nodes.length) * rowH) / 2;
    nodes.forEach((v, r) => pos.set(v, { x: 30 + c * colW, y: top + offset + r * rowH + 18 }));
  });
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#667"/></marker></defs>',
    '<rect width="100%" height="100%" fill="white"/>',
  ];
  if (title) parts.push(`<text x="16" y="26" font-size="15" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<text x="16" y="${title ? 48 : 20}" font-size="12"><tspan fill="#1a7f37">green above: value (forward)</tspan>    <tspan fill="#c0392b">red below: gradient (backward)</tspan></text>`);
  for (const v of order) {
    const to = pos.get(v) as { x: number; y: number };
    for (const c of v.children) {
      const from = pos.get(c) as { x: number; y: number };
      parts.push(`<line x1="${from.x + boxW}" y1="${from.y + boxH / 2}" x2="${to.x}" y2="${to.y + boxH / 2}" stroke="#667" stroke-width="1.2" marker-end="url(#arrow)"/>`);
    }
  }
  for (const v of order) {
    const { x, y } = pos.get(v) as { x: number; y: number };
    const fill = v.op === 'input' ? '#e8eef7' : v.op === 'const' ? '#f3f3f3' : v === root ? '#e4f2e4' : '#fdf6e3';
    parts.push(`<rect x="${x}" y="${y}" width="${boxW}" height="${boxH}" rx="${v.op === 'input' || v.op === 'const' ? 3 : 14}" fill="${fill}" stroke="#445"/>`);
    parts.push(`<text x="${x + boxW / 2}" y="${y + boxH / 2 + 5}" text-anchor="middle" font-size="13">${esc(nodeTitle(v))}</text>`);
    parts.push(`<text x="${x + boxW / 2}" y="${y - 5}" text-anchor="middle" font-size="12" fill="#1a7f37">${esc(fmt(v.data))}</text>`);
    if (v.op !== 'const') parts.push(`<text x="${x + boxW / 2}" y="${y + boxH + 15}" text-anchor="middle" font-size="12" fill="#c0392b">${esc(fmt(v.grad))}</text>`);
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The graph under `root` in Graphviz's DOT language, each node with its value and gradient. */
export function graphDot(root: Value, fullTitle?: string): string {
  const title = titleLine(fullTitle);
  const order = topologicalOrder(root);
  const id = new Map(order.map((v, i) => [v, `n${i}`]));
  const lines = ['digraph G {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fillcolor="#fdf6e3", fontname="Helvetica"];'];
  if (title) lines.push(`  label="${title.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"; labelloc=t;`);
  for (const v of order) {
    const grad = v.op === 'const' ? '' : `\\n<font color="#c0392b">${fmt(v.grad)}</font>`;
    lines.push(`  ${id.get(v)} [label=<${esc(nodeTitle(v))}<br/><font color="#1a7f37">${fmt(v.data)}</font>${grad.replace('\\n', '<br/>')}>];`);
  }
  for (const v of order) for (const c of v.children) lines.push(`  ${id.get(c)} -> ${id.get(v)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
