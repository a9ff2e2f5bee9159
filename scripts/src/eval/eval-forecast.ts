/**
 * Backtest of the demand forecast on the retail year (data/online-retail/):
 *   npm run eval:forecast      writes bench/results/forecast.{json,svg}
 *
 * Rolling origin: for each of the last 8 weeks, train on every week before it and forecast it and
 * up to 3 weeks after (1-4 weeks ahead, cut at the data's end), for every SKU that sold in
 * training. The candidates' parameters are chosen on the 8 origins before those (validation, its
 * targets stop before the test weeks); the reported numbers are on the last 8 (test).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Accuracy } from '../../../functions/src/forecasting/accuracy';
import {
  byIntermittency,
  crostonSba,
  dampedTrend,
  movingAverage,
  seasonalCoverage,
  seasonalNaive,
  ses,
  type Method,
} from '../../../functions/src/forecasting/methods';
import { chosenMethod, chosenMethodName } from '../../../functions/src/forecasting/chosen';
import { dataWeeks, loadWeeklyDemand } from './forecast-data';
import { renderForecastPlot } from './forecast-plot';

const repoRoot = join(__dirname, '..', '..', '..');
const horizon = 4;
const origins = 8;

/** What was compared; `model` is the one the scheduled job uses (functions/src/forecasting/chosen.ts). */
const candidates: Record<string, Method> = {
  'ma-4': movingAverage(4),
  'ma-8': movingAverage(8),
  'ses-0.1': ses(0.1),
  'ses-0.2': ses(0.2),
  'ses-0.3': ses(0.3),
  'ses-0.5': ses(0.5),
  'croston-sba-0.1': crostonSba(0.1),
  'croston-sba-0.2': crostonSba(0.2),
  'croston-sba-0.3': crostonSba(0.3),
  'damped-0.2-0.1-0.9': dampedTrend(0.2, 0.1, 0.9),
  'damped-0.3-0.1-0.8': dampedTrend(0.3, 0.1, 0.8),
  'ses-0.2|croston-0.1': byIntermittency(ses(0.2), crostonSba(0.1)),
  'ses-0.3|croston-0.2': byIntermittency(ses(0.3), crostonSba(0.2)),
};

const baselines: Record<string, Method> = {
  seasonalNaive: seasonalNaive(52),
  movingAverage: movingAverage(4),
};

interface Scored {
  wape: number;
  mase: number;
  bias: number;
  forecasts: number;
  byHorizon: { h: number; wape: number; mase: number }[];
}

/** Scores `method` at training lengths `from`..`from + origins - 1`, targets before `stop`. */
function backtest(series: number[][], method: Method, from: number, stop: number): Scored {
  const all = new Accuracy();
  const byH = Array.from({ length: horizon }, () => new Accuracy());
  for (let train = from; train < from + origins; train++) {
    const ahead = Math.min(horizon, stop - train);
    for (const y of series) {
      const history = y.slice(0, train);
      if (!history.some((v) => v > 0)) continue; // a SKU not yet sold has nothing to forecast from
      const forecast = method(history, ahead);
      const actual = y.slice(train, train + ahead);
      all.add(history, forecast, actual);
      actual.forEach((_, h) => byH[h]!.add(history, [forecast[h]!], [actual[h]!]));
    }
  }
  return {
    wape: round(all.wape()),
    mase: round(all.mase()),
    bias: round(all.bias()),
    forecasts: all.forecasts,
    byHorizon: byH.map((a, h) => ({ h: h + 1, wape: round(a.wape()), mase: round(a.mase()) })),
  };
}

/** The candidate with the lowest sum of its WAPE and MASE, each relative to the best candidate's. */
function selectOnValidation(scores: Record<string, Scored>): string {
  const all = Object.values(scores);
  const bestWape = Math.min(...all.map((s) => s.wape));
  const bestMase = Math.min(...all.map((s) => s.mase));
  const score = (s: Scored) => s.wape / bestWape + s.mase / bestMase;
  return Object.entries(scores).sort(([, a], [, b]) => score(a) - score(b))[0]![0];
}

const round = (v: number) => Math.round(v * 10000) / 10000;

/** The chosen method and the two baselines on the test origins: the issue's `methods`. */
function headline(series: number[][], testFrom: number) {
  const model = backtest(series, chosenMethod, testFrom, dataWeeks);
  return {
    model: { name: chosenMethodName, ...model },
    seasonalNaive: {
      ...backtest(series, baselines.seasonalNaive!, testFrom, dataWeeks),
      note: 'lag 52; with one year of data only the last test week has a year-ago week, elsewhere it is the last week (naive)',
      yearAgoShare: round(
        sum(range(testFrom, dataWeeks).map((t) => seasonalCoverage(t, Math.min(horizon, dataWeeks - t)))) /
          sum(range(testFrom, dataWeeks).map((t) => Math.min(horizon, dataWeeks - t))),
      ),
    },
    movingAverage: { window: 4, ...backtest(series, baselines.movingAverage!, testFrom, dataWeeks) },
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const demand = await loadWeeklyDemand();
  const skus = demand.weekly.skus();
  const series = skus.map((s) => demand.weekly.series(s));
  const testFrom = dataWeeks - origins;
  const validationFrom = testFrom - origins;

  const validation = Object.fromEntries(
    Object.entries(candidates).map(([name, m]) => [name, backtest(series, m, validationFrom, testFrom)]),
  );
  const test = Object.fromEntries(
    Object.entries(candidates).map(([name, m]) => [name, backtest(series, m, testFrom, dataWeeks)]),
  );
  const selected = selectOnValidation(validation);
  if (selected !== chosenMethodName)
    console.warn(
      `the validation origins now select ${selected}, but the job uses ${chosenMethodName} (functions/src/forecasting/chosen.ts)`,
    );
  const methods = headline(series, testFrom);
  const storeWeekly = range(0, dataWeeks).map((w) => sum(series.map((y) => y[w]!)));
  const report = {
    data: 'UCI Online Retail, 2010-12-04 to 2011-12-09, 53 weeks (Saturday to Friday)',
    protocol: `rolling origin: train to each of the last ${origins} weeks, forecast 1-${horizon} weeks ahead (cut at the data's end), every SKU sold in training`,
    skus: skus.length,
    saleLines: demand.saleLines,
    salesCancelledInFull: demand.cancelledInFull,
    methods,
    candidates: {
      chosenOn: `validation (the ${origins} origins before the test ones): the lowest WAPE/best WAPE + MASE/best MASE`,
      selected,
      validation,
      test,
    },
    storeWeekly,
    totalSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
  const out = join(repoRoot, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'forecast.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(
    join(out, 'forecast.svg'),
    renderForecastPlot({
      storeWeekly,
      testFrom,
      horizon,
      forecasts: storeForecasts(series, testFrom),
      methods,
    }),
  );
  printTable(methods, validation, test);
  console.log(`wrote bench/results/forecast.json and .svg in ${report.totalSeconds} s`);
}

function printTable(
  methods: Record<string, Scored>,
  validation: Record<string, Scored>,
  test: Record<string, Scored>,
): void {
  const line = (n: string, s: Scored) =>
    `${n.padEnd(24)} ${String(s.wape).padStart(8)} ${String(s.mase).padStart(8)}`;
  console.log(`${'method'.padEnd(24)}     WAPE     MASE   (test; validation in the JSON)`);
  for (const [n, s] of Object.entries(methods)) console.log(line(n, s));
  console.log('candidates, validation then test:');
  for (const n of Object.keys(candidates)) console.log(`${line(n, validation[n]!)}   ${line('', test[n]!)}`);
}

/** Store-wide totals of each method's 1-4 week forecasts from every test origin, for the plot. */
function storeForecasts(
  series: number[][],
  testFrom: number,
): Record<string, { origin: number; values: number[] }[]> {
  const methods: Record<string, Method> = { model: chosenMethod, ...baselines };
  return Object.fromEntries(
    Object.entries(methods).map(([name, m]) => [
      name,
      range(testFrom, dataWeeks).map((train) => {
        const ahead = Math.min(horizon, dataWeeks - train);
        const values = new Array<number>(ahead).fill(0);
        for (const y of series) {
          const history = y.slice(0, train);
          if (!history.some((v) => v > 0)) continue;
          m(history, ahead).forEach((f, h) => (values[h]! += f));
        }
        return { origin: train, values };
      }),
    ]),
  );
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
