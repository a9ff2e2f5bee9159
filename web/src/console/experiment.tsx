/**
 * The recommender's A/B arms (staff): the running split with each arm's funnel and its 95%
 * intervals, a form to set the split between the two slots, and promoting an arm. The figures are
 * the hourly job's (refreshExperimentMetrics), so they are up to an hour old.
 */
import type { CurrentModelDoc, ModelSlot, Proportion } from '@hearth/contracts';
import { promoteRecommenderArm, setRecommenderSplit } from '@hearth/client';
import { dateTime } from '../format';
import { useState } from 'preact/hooks';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { ActionForm, num } from './action-form';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const rate = (p: Proportion) => (p.rate === null ? '-' : `${pct(p.rate)} (${pct(p.low)}-${pct(p.high)})`);

export function ExperimentPanel({ current }: { current: CurrentModelDoc }) {
  const client = useClient();
  const experiment = current.experiment;
  const ended = current.endedExperiment;
  const metricsOf = (slot: ModelSlot) => experiment?.metrics?.arms.find((a) => a.slot === slot);
  const shareA = experiment?.arms.find((a) => a.slot === 'a')?.share ?? 50;
  // Kept here: the promoted arm's form goes with the experiment, often before its answer comes.
  const [promoted, setPromoted] = useState<string | null>(null);
  const onPromoted = (r: { live: { version: string } }) => {
    const note = `${r.live.version} is now the only live model`;
    setPromoted(note);
    return note;
  };
  return (
    <section aria-labelledby="experiment-title">
      <h2 id="experiment-title">A/B arms</h2>
      {experiment ? (
        <>
          <p>
            Experiment {experiment.id}, since {dateTime(experiment.startedAt.toMillis())}; metrics{' '}
            {experiment.metrics
              ? `of ${dateTime(experiment.metrics.computedAt.toMillis())}`
              : 'not computed yet (hourly)'}
            . Retraining waits until an arm is promoted.
          </p>
          <table>
            <caption>Experiment arms</caption>
            <thead>
              <tr>
                {[
                  'Slot',
                  'Version',
                  'Share',
                  'Customers',
                  'Impressions',
                  'Clicks (95% CI)',
                  'Added to cart (95% CI)',
                  'Purchases',
                  'Converted (95% CI)',
                ].map((h) => (
                  <th scope="col">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {experiment.arms.map((arm) => {
                const m = metricsOf(arm.slot);
                return (
                  <tr data-arm={arm.slot}>
                    <th scope="row">{arm.slot}</th>
                    <td>{arm.version}</td>
                    <td class="num">{arm.share}%</td>
                    <td class="num">{m?.customers ?? '-'}</td>
                    <td class="num">{m?.impressions ?? '-'}</td>
                    <td class="num">{m ? `${m.clicks}: ${rate(m.clickRate)}` : '-'}</td>
                    <td class="num">{m ? rate(m.cartAddRate) : '-'}</td>
                    <td class="num">{m?.purchases ?? '-'}</td>
                    <td class="num">{m ? rate(m.conversion) : '-'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {experiment.arms.map((arm) => (
            <ActionForm
              title={`Promote slot ${arm.slot} (${arm.version})`}
              quantityField="slot"
              fields={[]}
              submit={() => promoteRecommenderArm(client, arm.slot)}
              done={onPromoted}
            />
          ))}
        </>
      ) : (
        <p>
          No experiment: every customer is served the live model
          {ended &&
            ` (the last, ${ended.id}, ended ${dateTime(ended.endedAt.toMillis())} promoting slot ${ended.promoted})`}
          .
        </p>
      )}
      {!experiment && promoted && <Alert kind="ok">{promoted}</Alert>}
      <ActionForm
        title="Split customers between the slots"
        quantityField="arms"
        fields={[
          {
            name: 'arms',
            label: 'Share of slot a (%); slot b gets the rest',
            kind: 'number',
            initial: String(shareA),
          },
        ]}
        submit={(v) => setRecommenderSplit(client, num(v['arms']))}
        done={(r: { arms: { slot: string; share: number; version: string }[] }) =>
          `Split: ${r.arms.map((a) => `${a.slot} ${a.version} ${a.share}%`).join(', ')}`
        }
      />
    </section>
  );
}
