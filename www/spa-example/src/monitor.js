// One lpmon monitor for the whole app, created once the .wasm is loaded. Importing this module
// during server-side rendering is safe: nothing runs until `monitor()` is called in a browser.
import init, { createMonitor } from 'lpmon';

function setting(name, fallback) {
  const value = document.querySelector(`meta[name="${name}"]`)?.content;
  return value && !value.startsWith('%') ? value : fallback;
}

let created = null;

/** The app's monitor (a promise: the first call loads the .wasm). */
export function monitor() {
  created ??= init().then(() => createMonitor({
    accountId: setting('lpmon-account', '12345678'),
    appInstallationId: setting('lpmon-app', '8de29e3d-25b1-4d08-b713-8331ab222bfa'),
    domain: setting('lpmon-api', 'http://127.0.0.1:8031'),
  }));
  return created;
}
