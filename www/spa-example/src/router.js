// A minimal history-API router: enough to show lpmon following route changes.
import { useEffect, useState } from 'react';

// The directory the app was opened in (e.g. /spa-example/dist/); routes live below it. Found on
// first use, not at import, so that the module also loads where there is no location (SSR).
let root = null;

export function useRoute() {
  root ??= new URL('.', location.href).pathname;
  const current = () => '/' + location.pathname.slice(root.length);
  const [path, setPath] = useState(current);
  useEffect(() => {
    const onPop = () => setPath(current());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to) => {
    history.pushState(null, '', root + to.replace(/^\//, ''));
    setPath(to);
  };
  return [path, navigate];
}
