/**
 * A small world whose right answer is known: two taste clusters of customers, each buying only
 * from its own half of the catalog (and viewing, carting, cancelling within it).
 */
import {
  InteractionMatrixBuilder,
  type InteractionEvent,
  type InteractionMatrix,
} from '../../src/recommendations/interactions';
import { seededRandom } from '../../src/recommendations/seeded-random';

export const now = Date.UTC(2026, 0, 1);
const day = 86_400_000;

export interface World {
  events: InteractionEvent[];
  matrix: InteractionMatrix;
  /** Cluster of each user and item, by id. */
  clusterOf: Map<string, 'a' | 'b'>;
}

export function twoClusterWorld(usersPerCluster = 40, itemsPerCluster = 24, seed = 7, at = now): World {
  const random = seededRandom(seed);
  const clusterOf = new Map<string, 'a' | 'b'>();
  const events: InteractionEvent[] = [];
  for (const cluster of ['a', 'b'] as const) {
    const items = Array.from({ length: itemsPerCluster }, (_, i) => `${cluster}-item-${i}`);
    items.forEach((id) => clusterOf.set(id, cluster));
    for (let u = 0; u < usersPerCluster; u++) {
      const userId = `${cluster}-user-${u}`;
      clusterOf.set(userId, cluster);
      const bought = items.filter(() => random() < 0.3);
      for (const itemId of bought) {
        const when = at - Math.floor(random() * 200) * day;
        events.push({ userId, itemId, kind: 'purchase', quantity: 1 + Math.floor(random() * 3), at: when });
      }
      const viewed = items[Math.floor(random() * items.length)]!;
      events.push({ userId, itemId: viewed, kind: 'view', at: at - day });
    }
  }
  const builder = new InteractionMatrixBuilder({ now: at });
  events.forEach((e) => builder.add(e));
  return { events, matrix: builder.build(), clusterOf };
}
