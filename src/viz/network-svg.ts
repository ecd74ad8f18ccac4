/**
 * A drawing of a network's layers as SVG: units as circles, the bias unit (+1) of every layer but the output as a
 * square, every weight as a line, and each Theta(l) named with its shape between the layers it joins (the Oslo
 * exercise's "sketch a simple net").
 *
 * Drawn by hand: a network diagram is circles and lines at computed positions, which no charting grammar (Vega-Lite
 * included) expresses more simply than the dozen lines below.
 */
import type { Activation, OutputKind } from '../nn/activations.js';

/** Units drawn per layer at most; larger layers show the first and last few with an ellipsis between. */
const MAX_DRAWN = 10;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG drawing of a network of these layer sizes, with its bias units and each Θ(l)'s shape. */
export function networkSvg(sizes: readonly number[], options: { activation?: Activation; output?: OutputKind } = {}): string {
  const L = sizes.length;
  const colGap = 170;
  const rowGap = 46;
  const r = 15;
  const top = 118;
  // slots per layer: the bias (not for the output layer) and up to MAX_DRAWN units (with an ellipsis slot)
  const drawn = sizes.map((n) => (n <= MAX_DRAWN ? n : MAX_DRAWN + 1));
  const slots = drawn.map((d, l) => d + (l < L - 1 ? 1 : 0));
  const maxSlots = Math.max(...slots);
  // wide enough for the legend and for the layer names under the first and last columns
  const width = Math.max(560, 200 + colGap * (L - 1));
  const left = (width - colGap * (L - 1)) / 2;
  const height = top + rowGap * maxSlots + 60;
  const x = (l: number) => left + l * colGap;
  const y0 = (l: number) => top + ((maxSlots - slots[l]) * rowGap) / 2;
  /** positions of layer l: the bias first (if any), then the units; `null` marks the ellipsis slot */
  const units = (l: number): { y: number; label: string | null; bias: boolean }[] => {
    const out: { y: number; label: string | null; bias: boolean }[] = [];
    let k = 0;
    if (l < L - 1) out.push({ y: y0(l) + rowGap * k++, label: '+1', bias: true });
    const n = sizes[l];
    const show = n <= MAX_DRAWN ? [...Array(n).keys()] : [...[...Array(MAX_DRAWN / 2).keys()], -1, ...[...Array(MAX_DRAWN / 2).keys()].map((i) => n - MAX_DRAWN / 2 + i)];
    for (const i of show) out.push({ y: y0(l) + rowGap * k++, label: i < 0 ? null : String(i + 1), bias: false });
    return out;
  };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  );
  const layerNames = sizes.map((_, l) => (l === 0 ? 'input' : l === L - 1 ? 'output' : `hidden ${l}`));
  // weights first, under the units
  for (let l = 0; l + 1 < L; l++) {
    const from = units(l);
    const to = units(l + 1).filter((u) => !u.bias && u.label !== null);
    for (const a of from) {
      if (a.label === null) continue;
      for (const b of to) {
        parts.push(`<line x1="${x(l) + r}" y1="${a.y}" x2="${x(l + 1) - r}" y2="${b.y}" stroke="${a.bias ? '#c99a2e' : '#9aa7b8'}" stroke-width="0.8" opacity="0.8"/>`);
      }
    }
    const shape = `${sizes[l + 1]}×${sizes[l] + 1}`;
    parts.push(`<text x="${(x(l) + x(l + 1)) / 2}" y="${top - 30}" text-anchor="middle" font-size="14" font-weight="bold">Θ${l + 1}: ${shape}</text>`);
  }
  for (let l = 0; l < L; l++) {
    for (const u of units(l)) {
      if (u.label === null) {
        parts.push(`<text x="${x(l)}" y="${u.y + 6}" text-anchor="middle" font-size="18">⋮</text>`);
      } else if (u.bias) {
        parts.push(`<rect x="${x(l) - r}" y="${u.y - r}" width="${2 * r}" height="${2 * r}" rx="3" fill="#fbeed0" stroke="#c99a2e"/>`);
        parts.push(`<text x="${x(l)}" y="${u.y + 4}" text-anchor="middle" font-size="11">+1</text>`);
      } else {
        const fill = l === 0 ? '#e8eef7' : l === L - 1 ? '#e4f2e4' : '#f2e8f7';
        parts.push(`<circle cx="${x(l)}" cy="${u.y}" r="${r}" fill="${fill}" stroke="#445"/>`);
        parts.push(`<text x="${x(l)}" y="${u.y + 4}" text-anchor="middle" font-size="10">${esc(u.label)}</text>`);
      }
    }
    const kind = l === 0 ? '' : l === L - 1 ? ` · ${options.output ?? 'sigmoid'}` : ` · ${options.activation ?? 'sigmoid'}`;
    parts.push(`<text x="${x(l)}" y="${height - 30}" text-anchor="middle" font-size="13">${esc(layerNames[l])}: ${sizes[l]}${kind}</text>`);
  }
  parts.push(`<text x="12" y="22" font-size="15" font-weight="bold">layers ${sizes.join('-')}</text>`);
  parts.push(`<text x="12" y="42" font-size="11" fill="#555">squares: the bias units (+1), whose weights are Θ's first column</text>`);
  parts.push(`<text x="12" y="58" font-size="11" fill="#555">Θl: one row per unit of the next layer, one column per unit of this one (bias first)</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
