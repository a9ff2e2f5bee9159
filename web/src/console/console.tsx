/** The staff console: staff or admin sign-in only; its pages by route. */
import { href, type Route } from '../router';
import { useSession } from '../session';
import { Board } from './board';
import { SkuPage } from './sku';
import { FlashMonitor } from './flash';
import { HoldsAndOrders, ReservationPage } from './holds';
import { ModelsPage } from './models';
import { Reconciliations } from './reconciliations';
import { WebhooksPage } from './webhooks';
import { Customers } from './customers';
import { PurchaseOrdersPage } from './purchase-orders';
import { ReplenishmentPage } from './replenishment';
import { ImportsPage } from './imports';

function ConsoleNav({ at }: { at: string }) {
  const here = (name: string) => (at === name ? { 'aria-current': 'page' as const } : {});
  return (
    <nav aria-label="Console" class="subnav">
      <a href="#/console" {...here('')}>
        Stock board
      </a>
      <a href={href('console', 'holds')} {...here('holds')}>
        Holds and orders
      </a>
      <a href={href('console', 'customers')} {...here('customers')}>
        Customers
      </a>
      <a href={href('console', 'purchase-orders')} {...here('purchase-orders')}>
        Purchase orders
      </a>
      <a href={href('console', 'replenishment')} {...here('replenishment')}>
        Replenishment
      </a>
      <a href={href('console', 'imports')} {...here('imports')}>
        Imports
      </a>
      <a href={href('console', 'webhooks')} {...here('webhooks')}>
        Webhooks
      </a>
      <a href={href('console', 'reconciliation')} {...here('reconciliation')}>
        Reconciliation
      </a>
      <a href={href('console', 'models')} {...here('models')}>
        Recommender
      </a>
    </nav>
  );
}

export function ConsolePage({ route }: { route: Route }) {
  const { user, staff } = useSession();
  if (user === undefined) return <p aria-busy="true">Loading…</p>;
  if (!user || !staff) {
    return (
      <section aria-labelledby="console-title">
        <h1 id="console-title">Staff console</h1>
        <p>Sign in with a staff account (custom claim staff or admin), e.g. sam@demo.hearth.</p>
      </section>
    );
  }
  const [, page = '', id = ''] = route.parts;
  const body = (() => {
    switch (page) {
      case 'sku':
        return <SkuPage sku={id} />;
      case 'flash':
        return <FlashMonitor sku={id} />;
      case 'holds':
        return <HoldsAndOrders />;
      case 'reservation':
        return <ReservationPage id={id} />;
      case 'models':
        return <ModelsPage />;
      case 'reconciliation':
        return <Reconciliations />;
      case 'webhooks':
        return <WebhooksPage />;
      case 'customers':
        return <Customers route={route} />;
      case 'purchase-orders':
        return <PurchaseOrdersPage />;
      case 'replenishment':
        return <ReplenishmentPage sku={id} />;
      case 'imports':
        return <ImportsPage />;
      default:
        return <Board route={route} />;
    }
  })();
  return (
    <>
      <ConsoleNav at={page} />
      {body}
    </>
  );
}
