// Typed usage of the npm package: what must compile, and (// @ts-expect-error) what must not.
import init, { createMonitor } from 'lpmon';
import type { EngageResult, EngagementDetail, LpmonError, LpmonEvent, ReportRequest, Sde } from 'lpmon';

export async function usage(): Promise<void> {
  await init();
  const events: LpmonEvent['name'][] = [];
  const monitor = createMonitor({
    accountId: '12345678',
    appInstallationId: '8de29e3d-25b1-4d08-b713-8331ab222bfa',
    domain: 'va.v.liveperson.net',
    retry: { delaysMs: [100, 200] },
    storage: 'memory',
    onEvent(event) {
      events.push(event.name);
      if (event.name === 'REQUEST_COMPLETE') {
        const method: 'engagement' | 'report' = event.data.method;
        const status: number = event.data.status;
        const created: boolean | undefined = event.data.created;
        void [method, status, created];
      }
      if (event.name === 'RETRY') {
        const pause: number = event.data.pauseMs;
        void pause;
      }
    },
  });

  const vid: string | undefined = monitor.getVid();
  const first: EngageResult = await monitor.engage();
  const answer = await monitor.engage({
    entryPoints: [location.href, 'sec://tents'],
    engagementAttributes: [
      { type: 'cart', total: 349, numItems: 1, products: [{ product: { name: 'Basecamp 3P', sku: 'BC3P', price: 349 }, quantity: 1 }] },
      { type: 'personal', personal: { firstname: 'Robin', gender: 'OTHER' } },
    ],
    identities: [{ iss: 'https://brand.example', acr: 'loa1', sub: 'c0ffee' }],
  });
  const created: boolean = answer.created;
  const offer: EngagementDetail | undefined = answer.engagementDetails.find((d) => d.status === 'expose');
  if (offer) {
    const campaign: number = offer.campaignId;
    const report: ReportRequest = {
      engagementAttributes: [{
        type: 'impDisplay', campaign, engId: offer.engagementId, revision: offer.engagementRevision,
        eContext: [{ type: 'engagementContext', id: offer.contextId ?? '' }],
      }],
    };
    const done = await monitor.report(report);
    const pageId: string = done.pageId;
    void pageId;
  }
  const sdes: Sde[] = [{ type: 'searchInfo', keywords: ['tent'] }, { type: 'service', service: { topic: 'returns', status: 1 } }];
  await monitor.report({ engagementAttributes: sdes, pageId: first.pageId });

  try {
    await monitor.report({ engagementAttributes: [] });
  } catch (e) {
    const err = e as LpmonError;
    const kind: 'config' | 'validation' | 'http' | 'network' | 'consent' = err.kind;
    const status: number | undefined = err.status;
    // A queued report is still delivered later: never re-send it.
    const queued: true | undefined = err.queued;
    void queued;
    // @ts-expect-error there is no such kind
    const other: 'timeout' = err.kind;
    void [kind, status, other];
  }

  const held = createMonitor({ accountId: '1', appInstallationId: 'x', consent: 'pending', respectGlobalPrivacyControl: true });
  held.setConsent('granted');
  held.setConsent('denied');
  held.reset();
  // @ts-expect-error setConsent takes 'granted' or 'denied'
  held.setConsent('pending');
  // @ts-expect-error consent is 'granted', 'pending' or 'denied'
  createMonitor({ accountId: '1', appInstallationId: 'x', consent: 'yes' });

  window.addEventListener('lpmon', (e) => {
    if (e.detail.name === 'QUEUE_GAVE_UP') {
      const why: string = e.detail.data.kind;
      void why;
    }
    if (e.detail.name === 'LOAD_FAILED') {
      const reason: string = e.detail.data.reason;
      void reason;
    }
  });

  // @ts-expect-error accountId is required
  createMonitor({ appInstallationId: 'x' });
  // @ts-expect-error storage is 'local' or 'memory'
  createMonitor({ accountId: '1', appInstallationId: 'x', storage: 'session' });
  // @ts-expect-error a report needs engagementAttributes
  await monitor.report({ pageId: '1' });
  // @ts-expect-error a cart needs total and numItems
  await monitor.engage({ engagementAttributes: [{ type: 'cart', currency: 'USD' }] });
  // @ts-expect-error a cart total is a number
  await monitor.engage({ engagementAttributes: [{ type: 'cart', total: '12', numItems: 1 }] });
  // @ts-expect-error impression events go in report only
  await monitor.engage({ engagementAttributes: [{ type: 'impDisplay', campaign: 1, engId: 2 }] });
  // @ts-expect-error no SDE of that type
  await monitor.report({ engagementAttributes: [{ type: 'basket' }] });
  // @ts-expect-error acr is '0' or 'loa1'
  await monitor.engage({ identities: [{ sub: 's', acr: 'loa2' }] });
  // @ts-expect-error getVid may be undefined
  const sure: string = monitor.getVid();
  // @ts-expect-error status is 'expose' or 'conversation'
  const status: 'open' = answer.engagementDetails[0].status;
  // @ts-expect-error results are typed: no such field
  void first.engagementId;
  void [vid, created, sure, status];
}
