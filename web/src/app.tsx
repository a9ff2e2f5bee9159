/** The shell: header (shop, cart, orders, privacy, console; sign-in), and the page for the route. */
import { useEffect, useState } from 'preact/hooks';
import { signInWithEmailAndPassword, signOut } from 'firebase/auth';
import { ensureProfile, type HearthClient } from '@hearth/client';
import { useRoute, type Route } from './router';
import { ClientContext, SessionContext, useAuthSession, useClient, useSession } from './session';
import { Alert } from './ui/field';
import { Catalog } from './shop/catalog';
import { ProductPage } from './shop/product';
import { CartPage } from './shop/cart';
import { OrdersPage } from './shop/orders';
import { PrivacyPage } from './shop/privacy';
import { useCart } from './shop/cart-store';
import { ConsolePage } from './console/console';

function SignIn() {
  const client = useClient();
  const { user, staff } = useSession();
  const [error, setError] = useState<string | null>(null);
  if (user === undefined) return null;
  if (user) {
    return (
      <div class="signin">
        <span>
          {user.email}
          {staff && ' (staff)'}
        </span>{' '}
        <button type="button" onClick={() => signOut(client.auth)}>
          Sign out
        </button>
      </div>
    );
  }
  return (
    <form
      class="signin"
      aria-label="Sign in"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        setError(null);
        try {
          await signInWithEmailAndPassword(
            client.auth,
            String(form.get('email')),
            String(form.get('password')),
          );
        } catch (err) {
          setError(
            (err as { code?: string }).code === 'auth/invalid-credential'
              ? 'Wrong email or password'
              : String(err),
          );
        }
      }}
    >
      <label>
        Email <input name="email" type="email" autoComplete="username" required />
      </label>{' '}
      <label>
        Password <input name="password" type="password" autoComplete="current-password" required />
      </label>{' '}
      <button type="submit">Sign in</button>
      {error && <Alert>{error}</Alert>}
    </form>
  );
}

function Nav({ route }: { route: Route }) {
  const cart = useCart();
  const units = cart.lines.reduce((n, l) => n + l.qty, 0);
  const here = (name: string) => ((route.parts[0] ?? '') === name ? { 'aria-current': 'page' as const } : {});
  return (
    <nav aria-label="Main">
      <a href="#/" {...here('')}>
        Shop
      </a>
      <a href="#/cart" {...here('cart')}>
        Cart ({units})
      </a>
      <a href="#/orders" {...here('orders')}>
        Orders
      </a>
      <a href="#/privacy" {...here('privacy')}>
        Privacy
      </a>
      <a href="#/console" {...here('console')}>
        Staff console
      </a>
    </nav>
  );
}

function Page({ route }: { route: Route }) {
  const [first, second] = route.parts;
  switch (first) {
    case 'p':
      return <ProductPage productId={second ?? ''} />;
    case 'cart':
      return <CartPage />;
    case 'orders':
      return <OrdersPage />;
    case 'privacy':
      return <PrivacyPage />;
    case 'console':
      return <ConsolePage route={route} />;
    default:
      return <Catalog route={route} />;
  }
}

export function App({ client }: { client: HearthClient }) {
  const session = useAuthSession(client);
  const route = useRoute();
  // Every sign-in: the profile exists from the first one on (ensureProfile is idempotent).
  useEffect(() => {
    if (session.user && !session.staff) void ensureProfile(client);
  }, [session.user?.uid, session.staff]);
  return (
    <ClientContext.Provider value={client}>
      <SessionContext.Provider value={session}>
        <header>
          <a class="brand" href="#/">
            Hearth
          </a>
          <Nav route={route} />
          <SignIn />
        </header>
        <main>
          <Page route={route} />
        </main>
      </SessionContext.Provider>
    </ClientContext.Provider>
  );
}
