// Type-level test of the agent surface and the conversation helpers (tsc --noEmit --strict).
// Each `@ts-expect-error` line must fail to type-check, so wrong types in the .d.ts show up here.
import init, { clientPropertiesHeader, conversationContext, createAgentClient, createMonitor } from '../../js/index.js';
import type {
  ActivityWindow, AgentClient, ConversationStart, EngagementActivity, LpmonError, Metrics, VisitEvent,
  VisitState,
} from '../../js/index.js';

export async function usage(): Promise<void> {
  const client: AgentClient = createAgentClient({
    accountId: '12345678',
    csds: 'http://127.0.0.1:8031',
    auth: { bearer: 'token-from-the-brand-server' },
    retry: { delaysMs: [1000] },
  });
  createAgentClient({
    accountId: 12345678,
    domain: 'lo.v.liveperson.net',
    reportingDomain: 'lo.data.liveperson.net',
    auth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' },
  });
  // @ts-expect-error auth is required
  createAgentClient({ accountId: '1' });

  const state: VisitState = await client.visitInfo({ visitorId: 'V', sessionId: 'S' });
  // @ts-expect-error ids are strings
  await client.visitInfo({ visitorId: 1, sessionId: 'S' });
  const session = state.appSessions?.[0];
  const family: string | null | undefined = session?.deviceFamily;
  const started: number | null | undefined = session?.startTime;
  const events: VisitEvent[] = session?.events ?? [];
  const cartTotal: number | null | undefined = events[0]?.cartStatus?.total;
  const accepted = session?.engagements?.[0]?.impressionAccepted?.[0]?.activityTime;
  const name: string | null | undefined = session?.personalInfo?.personalInfo?.name;
  // @ts-expect-error not a member of the visit state
  session?.cartTotal;

  const activity: EngagementActivity = await client.engagementActivity({ timeframe: 60, interval: 5, skillIds: 'all', agentIds: [3, 7] });
  // @ts-expect-error ids are numbers or 'all'
  await client.engagementActivity({ timeframe: 60, skillIds: ['4'] });
  // @ts-expect-error timeframe is required
  await client.engagementActivity({ interval: 5 });
  const totals: Metrics | null | undefined = activity.metricsTotals ?? activity.skillsMetricsPerAgent?.metricsTotals;
  const perAgent: Metrics | undefined = activity.agentsMetrics?.metricsPerAgent?.['3'];
  const stamp = activity.metricsByIntervals?.[0]?.timestamp;
  const window: ActivityWindow = await client.activityWindow({ timeframe: 20, interval: 10 }, Date.now());
  const firstEnd: number = window.intervals[0].timestamp;

  await init();
  const monitor = createMonitor({ accountId: '1', appInstallationId: 'a' });
  const engaged = await monitor.engage({});
  const start: ConversationStart = conversationContext(engaged, { lang: 'en-US' });
  const shark: 'SharkContext' = start.conversationContext.type;
  const header: string = clientPropertiesHeader({ appId: 'my app', deviceFamily: 'DESKTOP' });
  // The engagement body takes the documented client properties only; the wider set is the header's.
  await monitor.engage({ clientProperties: { appVersion: '4.2.0', ipAddress: '192.0.2.7', osName: null } });
  // @ts-expect-error appId goes in the client-properties header, not the engagement body
  await monitor.engage({ clientProperties: { appId: 'my app' } });
  // @ts-expect-error deviceFamily is one of the documented values
  await monitor.engage({ clientProperties: { deviceFamily: 'WATCH' } });
  // @ts-expect-error the engage result is required
  conversationContext();
  try {
    conversationContext(engaged);
  } catch (e) {
    const err = e as LpmonError;
    const kind: 'config' | 'validation' | 'http' | 'network' | 'consent' = err.kind;
    void kind;
  }
  void [family, started, cartTotal, accepted, name, totals, perAgent, stamp, firstEnd, shark, header];
}
