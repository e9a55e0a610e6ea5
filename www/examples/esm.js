// The npm usage: initialise once, create a monitor, engage. (In an app the import is 'lpmon';
// here the emulator serves the package's entry at /js/.) With ?manual the page only initialises
// lpmon and leaves the calls to whoever drives it (the end-to-end tests).
import init, * as lpmon from '/js/index.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const out = document.getElementById('out');
window.lpmonTest = { lpmon, api: meta('lpmon-api'), account: meta('lpmon-account'), app: meta('lpmon-app') };

await init();
if (!location.search.includes('manual')) {
  const monitor = lpmon.createMonitor({
    accountId: meta('lpmon-account'),
    appInstallationId: meta('lpmon-app'),
    domain: meta('lpmon-api'),
  });
  const answer = await monitor.engage({ entryPoints: [location.href] });
  out.textContent = JSON.stringify(answer, null, 2);
} else {
  out.textContent = 'ready';
}
document.body.dataset.ready = 'yes';
