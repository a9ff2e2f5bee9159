/**
 * The recommender: the live model, its A/B arms (experiment.tsx), every version's held-out recall@10
 * over time as a plot, and each run.
 */
import type { CurrentModelDoc, ModelDoc } from '@hearth/contracts';
import { watchModels, type WithId } from '@hearth/client';
import type { AlignedData } from 'uplot';
import { dateTime } from '../format';
import { useClient } from '../session';
import { LineChart } from '../ui/chart';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';
import { ExperimentPanel } from './experiment';

export function ModelsPage() {
  const client = useClient();
  const models = useLive<{ versions: WithId<ModelDoc>[]; current: CurrentModelDoc | null }>(
    (set, fail) => watchModels(client, (versions, current) => set({ versions, current }), fail),
    [],
  );
  const versions = models.value?.versions ?? [];
  const current = models.value?.current;
  const data: AlignedData = [
    versions.map((v) => v.createdAt.toMillis() / 1000),
    versions.map((v) => v.metrics.recall10),
  ];
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">Recommender</h1>
      {models.error && <Alert>{models.error.message}</Alert>}
      <p>
        Live model:{' '}
        {current ? (
          <strong>
            {current.version} (slot {current.slot}, recall@10 {current.metrics.recall10.toFixed(3)}, since{' '}
            {dateTime(current.switchedAt.toMillis())})
          </strong>
        ) : (
          'none yet: recommendations fall back to popular items (npm run train)'
        )}
      </p>
      {current && <ExperimentPanel current={current} />}
      {versions.length > 0 && (
        <LineChart
          title="Held-out recall@10 of each model version"
          data={data}
          series={[{ label: 'recall@10', stroke: '#1f5fb4' }]}
        />
      )}
      <table>
        <caption>Training runs</caption>
        <thead>
          <tr>
            {['Version', 'Status', 'Recall@10', 'NDCG@10', 'Events', 'Customers', 'Train s', 'Created'].map(
              (h) => (
                <th scope="col">{h}</th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr class={v.version === current?.version ? 'live' : ''}>
              <th scope="row">{v.version}</th>
              <td>
                {v.status}
                {v.rejectedBecause && `: ${v.rejectedBecause}`}
              </td>
              <td class="num">{v.metrics.recall10.toFixed(3)}</td>
              <td class="num">{v.metrics.ndcg10.toFixed(3)}</td>
              <td class="num">{v.counts.events}</td>
              <td class="num">{v.counts.customers}</td>
              <td class="num">{v.trainSeconds.toFixed(1)}</td>
              <td>{dateTime(v.createdAt.toMillis())}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
