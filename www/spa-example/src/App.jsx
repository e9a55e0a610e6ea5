import { useEffect, useState } from 'react';
import { monitor } from './monitor.js';
import { useRoute } from './router.js';

const PRODUCTS = [
  { sku: 'RR2', name: 'Ridge Runner 2', category: 'shoes', price: 129 },
  { sku: 'BC3P', name: 'Basecamp 3P', category: 'tents', price: 349 },
  { sku: 'DS1', name: 'Drift Shell', category: 'jackets', price: 189 },
];
const PAGES = { '/': 'home', '/tents': 'tents', '/cart': 'cart' };

/** The cart SDE (engagement attribute) for the cart's lines. */
function cartSde(lines) {
  return {
    type: 'cart',
    currency: 'USD',
    total: lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0),
    numItems: lines.reduce((sum, l) => sum + l.quantity, 0),
    products: lines.map(({ product, quantity }) => ({
      product: { name: product.name, category: product.category, sku: product.sku, price: product.price },
      quantity,
    })),
  };
}

export function App() {
  const [path, navigate] = useRoute();
  const [lines, setLines] = useState([]);
  const [status, setStatus] = useState('loading…');
  const [offer, setOffer] = useState(null);
  const [visitor, setVisitor] = useState(null);
  const page = PAGES[path] ?? 'not-found';

  // Every route change is a page view: ask lpmon which engagement to show on it.
  useEffect(() => {
    let current = true;
    monitor()
      .then((m) => m.engage({ entryPoints: [location.href, `sec://${page}`] }))
      .then((answer) => {
        if (!current) return;
        setVisitor(answer.visitorId);
        setOffer(answer.engagementDetails.find((d) => d.status === 'expose') ?? null);
        setStatus(`engaged on ${page}`);
      })
      .catch((error) => current && setStatus(`lpmon: ${error.kind}: ${error.message}`));
    return () => { current = false; };
  }, [page]);

  function addToCart(product) {
    const next = lines.some((l) => l.product.sku === product.sku)
      ? lines.map((l) => (l.product.sku === product.sku ? { ...l, quantity: l.quantity + 1 } : l))
      : [...lines, { product, quantity: 1 }];
    setLines(next);
    monitor()
      .then((m) => m.report({ engagementAttributes: [cartSde(next)] }))
      .then(() => setStatus(`cart reported (${next.length} lines)`))
      .catch((error) => setStatus(`lpmon: ${error.kind}: ${error.message}`));
  }

  const link = (to, label) => (
    <a href={to} onClick={(e) => { e.preventDefault(); navigate(to); }} data-route={to}>{label}</a>
  );
  const shown = page === 'tents' ? PRODUCTS.filter((p) => p.category === 'tents') : PRODUCTS;

  return (
    <>
      <header>
        <h1>Northwind Outfitters</h1>
        <nav>{link('/', 'Home')} · {link('/tents', 'Tents')} · {link('/cart', `Cart (${lines.length})`)}</nav>
      </header>
      <main data-page={page}>
        {page === 'cart' ? (
          <ul>{lines.map((l) => <li key={l.product.sku}>{l.quantity} × {l.product.name}</li>)}</ul>
        ) : (
          <ul>
            {shown.map((p) => (
              <li key={p.sku}>
                {p.name} · ${p.price} <button data-sku={p.sku} onClick={() => addToCart(p)}>Add to cart</button>
              </li>
            ))}
          </ul>
        )}
        {offer && <button id="message-us">💬 Message us</button>}
      </main>
      <footer>
        <output id="status">{status}</output> · visitor <code id="vid">{visitor ?? '–'}</code>
      </footer>
    </>
  );
}
