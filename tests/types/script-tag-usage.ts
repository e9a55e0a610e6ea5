// Typed page code for the script tag (window.lpmon and the lpTag layer) through 'lpmon/global'.
import type {} from 'lpmon/global';

export function pageCode(): void {
  lpmon.push(['report', { engagementAttributes: [{ type: 'searchInfo', keywords: ['boots'] }] }]);
  lpmon.push(['engage', { entryPoints: [location.href] }, (answer) => console.log(answer.engagementDetails.length)]);
  lpmon.ready.then((ok: boolean) => (ok ? lpmon.engage() : undefined));
  lpmon.setConsent('granted');
  lpmon.push(['setConsent', 'denied']);
  lpmon.reset();
  const vid: string | undefined = lpTag.taglets.lp_monitoringSDK.getVid();

  lpTag.section = ['outdoor', 'tents'];
  lpTag.sdes.push({ type: 'cart', total: 349, numItems: 1 });
  lpTag.sdes.push([{ type: 'prodView', products: [{ product: { sku: 'BC3P' } }] }]);
  lpTag.sdes.send({ type: 'lead', lead: { topic: 'trip' } }, (error, answer) => console.log(error?.message, answer?.pageId));
  const carts = lpTag.sdes.get('cart');
  lpTag.identities.push((callback) => callback({ iss: 'https://brand.example', acr: 'loa1', sub: 'c0ffee' }));
  lpTag.hooks.push({
    name: 'BEFORE_SUBMIT_SDE',
    callback: (options) => {
      options.data.sdes = options.data.sdes.filter((s) => s.type !== 'personal');
      return options;
    },
  });
  const handle = lpTag.events.bind('LP_OFFERS', 'OFFER_DISPLAY', (offer) => {
    const campaign: number = offer.campaignId;
    const pageId: string = offer.pageId;
    void [campaign, pageId];
  });
  lpTag.events.bind('lp_monitoringSDK', 'REQUEST_COMPLETE', (data) => {
    const status: number = data.status;
    void status;
  });
  lpTag.events.bind({ appName: 'brand', eventName: 'ANY', func: (data: { n: number }) => console.log(data.n), triggerOnce: true });
  if (handle !== null) lpTag.events.unbind(handle);
  lpTag.events.bind('lp_monitoringSDK', 'SDE_DROPPED', (data) => console.log(data.index + 1, data.reason));
  lpTag.events.bind('lp_monitoringSDK', 'SP_FAILED', (data) => console.log(data.kind === 'http' ? data.status : data.message));
  lpTag.sdes.push({ type: 'searchInfo', keywords: ['tent'] }, [{ type: 'lead', lead: { topic: 'trip' } }]);
  const fired = lpTag.events.hasFired('lp_monitoringSDK', 'SP_SENT').length;
  lpTag.newPage(location.href, { section: 'checkout', sdes: [{ type: 'purchase', total: 349 }] });

  // @ts-expect-error no SDE of that type
  lpTag.sdes.push({ type: 'basket' });
  // @ts-expect-error lpmon.push takes [method, request]
  lpmon.push(['track', {}]);
  // @ts-expect-error a report request needs engagementAttributes
  lpmon.push(['report', {}]);
  // @ts-expect-error REQUEST_COMPLETE data has no offer fields
  lpTag.events.bind('lp_monitoringSDK', 'REQUEST_COMPLETE', (data) => data.campaignId);
  // @ts-expect-error SDE_DROPPED data has no status
  lpTag.events.bind('lp_monitoringSDK', 'SDE_DROPPED', (data) => data.status);
  // @ts-expect-error get(type) may be undefined
  lpTag.sdes.get('cart').length;
  // @ts-expect-error a hook returns the options
  lpTag.hooks.push({ name: 'BEFORE_SUBMIT_SDE', callback: () => 'cancel' });
  void [vid, carts, fired];
}
