/**
 * A hand-written SVG of the evaluation: the training loss per epoch of each TF.js model (one panel
 * each, their losses differ in kind) and recall@10 per epoch or iteration of every iterative
 * method, with the one-shot baselines as dashed horizontal lines.
 */
import type { MethodResult } from './eval-recs';

const colours: Record<string, string> = {
  popularity: '#888888',
  'item-knn': '#2a9d8f',
  als: '#e76f51',
  tfjs: '#264653',
  'tfjs-softmax': '#8e44ad',
};

interface Panel {
  x: number;
  title: string;
  yLabel: string;
  series: { name: string; points: [number, number][]; flat?: boolean }[];
}

const height = 400;
const pw = 360;
const ph = 280;
const gap = 110;
const top = 60;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / p) * p;
}

function panel({ x, title, yLabel, series }: Panel): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const xMax = Math.max(...all.map((p) => p[0]));
  const yMin = Math.min(0, ...all.map((p) => p[1]));
  const yMax = niceMax(Math.max(...all.map((p) => p[1])));
  const sx = (v: number) => x + (v / xMax) * pw;
  const sy = (v: number) => top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const parts = [
    `<text x="${x + pw / 2}" y="${top - 20}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${x}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${x + pw / 2}" y="${top + ph + 36}" text-anchor="middle">epoch / iteration</text>`,
    `<text transform="translate(${x - 48},${top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = yMin + ((yMax - yMin) * t) / 4;
    parts.push(
      `<line x1="${x}" x2="${x + pw}" y1="${sy(v)}" y2="${sy(v)}" stroke="#ddd"/>`,
      `<text x="${x - 6}" y="${sy(v) + 4}" text-anchor="end" font-size="11">${+v.toPrecision(3)}</text>`,
    );
  }
  for (let t = 0; t <= 5; t++) {
    const v = Math.round((xMax * t) / 5);
    parts.push(`<text x="${sx(v)}" y="${top + ph + 16}" text-anchor="middle" font-size="11">${v}</text>`);
  }
  series.forEach((s, n) => {
    const colour = colours[s.name] ?? '#000';
    const pts = s.flat ? [[0, s.points[0]![1]] as const, [xMax, s.points[0]![1]] as const] : s.points;
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2"${s.flat ? ' stroke-dasharray="6 4"' : ''} ` +
        `points="${pts.map(([a, b]) => `${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join(' ')}"/>`,
      `<line x1="${x + pw - 120}" x2="${x + pw - 96}" y1="${top + 16 + n * 16}" y2="${top + 16 + n * 16}" ` +
        `stroke="${colour}" stroke-width="2"${s.flat ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${x + pw - 90}" y="${top + 20 + n * 16}" font-size="12">${esc(s.name)}</text>`,
    );
  });
  return parts.join('\n');
}

export function renderPlot(results: MethodResult[], subtitle: string): string {
  const lossPanels: Omit<Panel, 'x'>[] = results
    .filter((r) => r.curve.some((p) => p.loss !== undefined))
    .map((r) => ({
      title: `${r.method}: training loss`,
      yLabel: r.params && 'objective' in r.params ? `${String(r.params.objective)} loss` : 'loss',
      series: [{ name: r.method, points: r.curve.map((p) => [p.epoch, p.loss ?? 0] as [number, number]) }],
    }));
  const recall: Omit<Panel, 'x'> = {
    title: 'recall@10 on held-out purchases',
    yLabel: 'recall@10',
    series: results.map((r) =>
      r.curve.length
        ? { name: r.method, points: r.curve.map((p) => [p.epoch, p.recall10] as [number, number]) }
        : { name: r.method, points: [[0, r.metrics.recall10]], flat: true },
    ),
  };
  const panels = [...lossPanels, recall].map((p, n) => ({ ...p, x: 70 + n * (pw + gap) }));
  const width = 70 + panels.length * (pw + gap) - gap + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">Hearth recommenders on UCI Online Retail (${esc(subtitle)})</text>`,
    ...panels.map(panel),
    '</svg>',
    '',
  ].join('\n');
}
