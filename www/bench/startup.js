// Start-up, from this module's first line to the first answer: lpmon (fetch + compile +
// instantiate + createMonitor + getVid from storage) or, with ?which=empty, an empty
// wasm-bindgen module (fetch + compile + instantiate + one call), for comparison.
const t0 = performance.now();
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
try {
  if (new URLSearchParams(location.search).get('which') === 'empty') {
    const m = await import('/pkg/bench-empty/lpmon_bench_empty.js');
    await m.default();
    m.ping();
  } else {
    const m = await import('/pkg/index.js');
    await m.default();
    m.createMonitor({ accountId: meta('lpmon-account'), appInstallationId: meta('lpmon-app'), domain: meta('lpmon-api') }).getVid();
  }
  window.startupMs = performance.now() - t0;
} catch (e) {
  window.startupError = String(e && e.message);
}
