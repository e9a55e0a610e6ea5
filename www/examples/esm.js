// The npm usage: initialise once, create a monitor, engage. (In an app the import is 'lpmon';
// here the emulator serves the package's entry at /pkg/index.js.) With ?manual the page only
// initialises lpmon and leaves the calls to whoever drives it (the end-to-end tests); ?storage=…
// makes localStorage misbehave the ways real browsers do, before lpmon first touches it.
import init, * as lpmon from '/pkg/index.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const out = document.getElementById('out');
const params = new URLSearchParams(location.search);
const stateKey = `lpmon:${meta('lpmon-account')}:${meta('lpmon-app')}`;

const misbehave = {
  // Safari private mode, sandboxed iframes, blocked cookies.
  blocked: () => Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
  }),
  // Firefox with dom.storage.enabled = false.
  null: () => Object.defineProperty(window, 'localStorage', { configurable: true, get: () => null }),
  // A full quota: reads work, writes throw.
  quota: () => {
    Storage.prototype.setItem = function () { throw new DOMException('quota', 'QuotaExceededError'); };
  },
  // Someone else's value under lpmon's key.
  corrupt: () => localStorage.setItem(stateKey, '{"vid":"x", oops'),
};
if (params.has('storage')) misbehave[params.get('storage')]?.();

window.lpmonTest = { lpmon, api: meta('lpmon-api'), account: meta('lpmon-account'), app: meta('lpmon-app') };

await init();
if (!params.has('manual')) {
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
