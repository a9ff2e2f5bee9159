/**
 * A hand-written SVG of the forecast backtest: the store's weekly units over the year with each
 * method's 1-4 week forecasts from every test origin (summed over SKUs), and WAPE by weeks ahead.
 */
const colours: Record<string, string> = {
  model: '#e76f51',
  seasonalNaive: '#888888',
  movingAverage: '#2a9d8f',
};
const pw = 520;
const ph = 280;
const top = 60;

interface PlotInput {
  storeWeekly: number[];
  testFrom: number;
  horizon: number;
  forecasts: Record<string, { origin: number; values: number[] }[]>;
  methods: Record<string, { wape: number; byHorizon: { h: number; wape: number }[] }>;
}

function frame(x: number, title: string, xLabel: string, yMax: number, xTicks: [number, string][]): string[] {
  const parts = [
    `<text x="${x + pw / 2}" y="${top - 20}" text-anchor="middle" font-weight="bold">${title}</text>`,
    `<rect x="${x}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${x + pw / 2}" y="${top + ph + 36}" text-anchor="middle">${xLabel}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const y = top + ph - (ph * t) / 4;
    parts.push(
      `<line x1="${x}" x2="${x + pw}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${x - 6}" y="${y + 4}" text-anchor="end" font-size="11">${+((yMax * t) / 4).toPrecision(3)}</text>`,
    );
  }
  for (const [px, label] of xTicks)
    parts.push(`<text x="${px}" y="${top + ph + 16}" text-anchor="middle" font-size="11">${label}</text>`);
  return parts;
}

const legend = (x: number, names: string[]) =>
  names.flatMap((n, i) => [
    `<line x1="${x + 10}" x2="${x + 34}" y1="${top + 16 + i * 16}" y2="${top + 16 + i * 16}" stroke="${colours[n] ?? '#000'}" stroke-width="2"/>`,
    `<text x="${x + 40}" y="${top + 20 + i * 16}" font-size="12">${n}</text>`,
  ]);

const polyline = (pts: [number, number][], colour: string, dash = false) =>
  `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash ? ' stroke-dasharray="5 3"' : ''} points="${pts
    .map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`)
    .join(' ')}"/>`;

export function renderForecastPlot(p: PlotInput): string {
  const weeks = p.storeWeekly.length;
  const x1 = 80;
  const yMax1 = Math.max(...p.storeWeekly) * 1.1;
  const sx = (w: number) => x1 + (w / (weeks - 1)) * pw;
  const sy = (v: number, max: number) => top + ph - (v / max) * ph;
  const left = frame(
    x1,
    'store-wide weekly units, and forecasts from each test origin',
    'week (0 = 2010-12-04)',
    yMax1,
    [...[0, 13, 26, 39, 52].map((w) => [sx(w), String(w)] as [number, string])],
  );
  left.push(
    polyline(
      p.storeWeekly.map((v, w) => [sx(w), sy(v, yMax1)]),
      '#264653',
    ),
  );
  for (const [name, runs] of Object.entries(p.forecasts))
    for (const run of runs)
      left.push(
        polyline(
          run.values.map((v, h) => [sx(run.origin + h), sy(v, yMax1)]),
          colours[name] ?? '#000',
          true,
        ),
      );
  left.push(...legend(x1, ['actual', ...Object.keys(p.forecasts)]));
  left.push(
    `<line x1="${sx(p.testFrom)}" x2="${sx(p.testFrom)}" y1="${top}" y2="${top + ph}" stroke="#999" stroke-dasharray="2 2"/>`,
  );

  const x2 = x1 + pw + 110;
  const yMax2 =
    Math.ceil(Math.max(...Object.values(p.methods).flatMap((m) => m.byHorizon.map((b) => b.wape))) * 10) / 10;
  const hx = (h: number) => x2 + ((h - 1) / (p.horizon - 1)) * pw;
  const right = frame(x2, 'WAPE by weeks ahead (test origins)', 'weeks ahead', yMax2, [
    ...Array.from({ length: p.horizon }, (_, i) => [hx(i + 1), String(i + 1)] as [number, string]),
  ]);
  for (const [name, m] of Object.entries(p.methods))
    right.push(
      polyline(
        m.byHorizon.map((b) => [hx(b.h), sy(b.wape, yMax2)]),
        colours[name] ?? '#000',
      ),
    );
  right.push(...legend(x2, Object.keys(p.methods)));
  const width = x2 + pw + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="400" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">Hearth demand forecast backtest on UCI Online Retail (rolling origin, last 8 weeks)</text>`,
    ...left,
    ...right,
    '</svg>',
    '',
  ].join('\n');
}
