// Start-up, from this module's first line to the first answer: lpmon from its npm entry (fetch +
// compile + instantiate + createMonitor + getVid from storage), with ?which=tag lpmon's script
// tag (the loader, then its glue and .wasm, until `lpmon.ready` and getVid), or, with
// ?which=empty, an empty wasm-bindgen module (fetch + compile + instantiate + one call), for
// comparison.
const t0 = performance.now();
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const config = { accountId: meta('lpmon-account'), appInstallationId: meta('lpmon-app'), domain: meta('lpmon-api') };
const which = new URLSearchParams(location.search).get('which');

/** The script tag as a page writes it; resolves once `lpmon.ready` has. */
function tag() {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/dist/lpmon.js';
    s.dataset.accountId = config.accountId;
    s.dataset.appInstallationId = config.appInstallationId;
    s.dataset.domain = config.domain;
    s.onload = () => window.lpmon.ready.then((ok) => (ok ? resolve(window.lpmon.getVid()) : reject(new Error('lpmon.ready is false'))));
    s.onerror = () => reject(new Error('dist/lpmon.js did not load'));
    document.head.appendChild(s);
  });
}

try {
  if (which === 'empty') {
    const m = await import('/pkg/bench-empty/lpmon_bench_empty.js');
    await m.default();
    m.ping();
  } else if (which === 'tag') {
    await tag();
  } else {
    const m = await import('/pkg/index.js');
    await m.default();
    m.createMonitor(config).getVid();
  }
  window.startupMs = performance.now() - t0;
} catch (e) {
  window.startupError = String(e && e.message);
}
