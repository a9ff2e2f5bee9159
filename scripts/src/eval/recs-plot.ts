/**
 * A hand-written SVG of the evaluation: test recall@10 and NDCG@10 of every method on each split,
 * as bars with +-1 standard error (over test users) on recall, and the hybrid's lift over the
 * tuned ALS baseline and today's model, with paired standard errors, in each panel's title.
 */
import type { EvalReport } from './recs-results';

const colours: Record<string, string> = {
  popularity: '#888888',
  'item-knn': '#2a9d8f',
  als: '#e76f51',
  tfjs: '#264653',
  hybrid: '#e9c46a',
};

const pw = 420;
const ph = 260;
const top = 70;
const left = 60;
const gap = 90;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function renderRecsPlot(report: EvalReport): string {
  const splits = [...new Set(report.results.map((r) => r.split))];
  const methods = [...new Set(report.results.map((r) => r.method))];
  const max = Math.max(0.01, ...report.results.map((r) => r.test.recall10 + r.testRecall10StdErr)) * 1.15;
  const y = (v: number) => top + ph - (v / max) * ph;
  const parts: string[] = [];
  splits.forEach((split, s) => {
    const x0 = left + s * (pw + gap);
    const lift = (a: string, label: string) => {
      const c = report.comparisons.find((c) => c.split === split && c.a === a && c.b === 'hybrid');
      return c ? `${label} ${(c.relative * 100).toFixed(1)}% ± ${(c.relativeStdErr * 100).toFixed(1)}%` : '';
    };
    const lifts = [lift('als', 'vs tuned ALS'), lift('tfjs', "vs today's model")].filter(Boolean);
    const w = report.splits[split]?.test;
    parts.push(
      `<text x="${x0}" y="${top - 38}" font-size="14" font-weight="bold">${esc(split)} test: ${w?.trainEnd ?? ''} to ${w?.testEnd ?? ''}</text>`,
      `<text x="${x0}" y="${top - 20}" font-size="12">${esc(lifts.length ? `hybrid recall@10 ${lifts.join(', ')} (paired s.e.)` : '')}</text>`,
      `<line x1="${x0}" y1="${top + ph}" x2="${x0 + pw}" y2="${top + ph}" stroke="#333"/>`,
      `<line x1="${x0}" y1="${top}" x2="${x0}" y2="${top + ph}" stroke="#333"/>`,
    );
    for (let t = 0; t <= 4; t++) {
      const v = (max * t) / 4;
      parts.push(
        `<text x="${x0 - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end">${v.toFixed(3)}</text>`,
        `<line x1="${x0}" y1="${y(v)}" x2="${x0 + pw}" y2="${y(v)}" stroke="#ddd"/>`,
      );
    }
    const slot = pw / methods.length;
    methods.forEach((method, n) => {
      const r = report.results.find((r) => r.split === split && r.method === method);
      if (!r) return;
      const bx = x0 + n * slot + slot * 0.1;
      const bw = slot * 0.38;
      const colour = colours[method] ?? '#555';
      const se = r.testRecall10StdErr;
      const cx = bx + bw / 2;
      parts.push(
        `<rect x="${bx}" y="${y(r.test.recall10)}" width="${bw}" height="${y(0) - y(r.test.recall10)}" fill="${colour}"/>`,
        `<line x1="${cx}" y1="${y(r.test.recall10 - se)}" x2="${cx}" y2="${y(r.test.recall10 + se)}" stroke="#000"/>`,
        `<rect x="${bx + bw}" y="${y(r.test.ndcg10)}" width="${bw}" height="${y(0) - y(r.test.ndcg10)}" fill="${colour}" fill-opacity="0.45"/>`,
        `<text x="${cx}" y="${y(r.test.recall10 + se) - 4}" font-size="10" text-anchor="middle">${r.test.recall10.toFixed(3)}</text>`,
        `<text x="${bx + bw}" y="${top + ph + 16}" font-size="11" text-anchor="middle">${esc(method)}</text>`,
      );
    });
  });
  const width = left + splits.length * (pw + gap);
  const height = top + ph + 60;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    `<text x="${left}" y="${height - 14}" font-size="11">solid: recall@10 with ±1 s.e. over test users; pale: NDCG@10. ${esc(report.generatedBy)}, ${esc(report.grid)} grid; knobs chosen on each split's validation window</text>`,
    `</svg>`,
  ].join('\n');
}
