// Types of lpmon's ESM entry; the request and answer types come from the generated bindings.
import type { EngagementDetail, InitInput, InitOutput, Monitor, MonitorConfig } from '../pkg/lpmon.js';

export type * from '../pkg/lpmon.js';

/** Loads and instantiates the WebAssembly module; call once and await before anything else. */
export default function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

/** Options of `track`. */
export interface TrackOptions {
  /** Called once, on the first activation (click, or Enter/Space on a button or link), right
   * after the impAccept report is made: `start` is the `conversationContext` of that engagement
   * (undefined without a session); `sent` settles (never rejects) once that report was delivered
   * or given up, for a page that asks the server again only after it. */
  onAccept?: (start: ConversationStart | undefined, sent: Promise<unknown>) => void;
  /** Called once, when this element counts as displayed (1 s in view, or activated); impDisplay
   * went then, or earlier for another element of the same engagement context. */
  onDisplay?: () => void;
}

/** What `track` returns. */
export interface Tracked {
  /** Stops tracking; reports impClose when the engagement was displayed and not accepted. */
  close(): void;
}

/** A monitor, with the impressions that count themselves. */
export interface TrackingMonitor extends Monitor {
  /** Reports impDisplay once ≥ 50% of `element` was in view for 1 s while the page was visible
   * (once per engagement context and page view), impAccept on activation. `detail` is an
   * engagementDetails entry with status 'expose'. */
  track(element: Element, detail: EngagementDetail, options?: TrackOptions): Tracked;
}

/** Creates a monitor for one account and app installation; throws LpmonError (kind 'config'). */
export function createMonitor(config: MonitorConfig): TrackingMonitor;

/** Debug mode on or off (the IMPRESSION_MISSING audit and its console warning); with no
 * argument, whether it is on. */
export function debug(): boolean;
export function debug(on: boolean): void;

// ---- Agent side and conversation helpers ------------------------------------------------------
import type {
  ActivityWindow, AgentConfig, EngagementActivity, EngagementActivityRequest, VisitInfoRequest,
  VisitState,
} from '../pkg/agent/lpmon_agent.js';
import type { ClientProperties, ConversationOptions, ConversationStart, EngageResult } from '../pkg/lpmon.js';

export type {
  ActivityWindow, AgentConfig, AgentsMetrics, AppSession, BearerAuth, CustomerInfo, EngagementActivity,
  EngagementActivityRequest, IdSelection, Lead, MarketingCampaignInfo, Metrics, MetricsData, OAuthKeys,
  PersonalInfo, Purchase, ServiceActivity, SkillMetrics, SkillsMetrics, VisitCart, VisitEngagement,
  VisitEvent, VisitInfoRequest, VisitPage, VisitState, VisitorError,
} from '../pkg/agent/lpmon_agent.js';

/** A client of the agent-side APIs; every method loads the agent module on first use. */
export interface AgentClient {
  /** The state of a monitored visit (Visit Information): pages, SDEs, engagements, device. */
  visitInfo(request: VisitInfoRequest): Promise<VisitState>;
  /** Engagement Activity metrics for the account, per skill, per agent, per interval. */
  engagementActivity(request: EngagementActivityRequest): Promise<EngagementActivity>;
  /** The time such a request covers (5-minute buckets), at `nowMs` (default: now). */
  activityWindow(request: EngagementActivityRequest, nowMs?: number): Promise<ActivityWindow>;
}

/** Creates an agent client; throws LpmonError (kind 'config') for an unusable config. No init() needed. */
export function createAgentClient(config: AgentConfig): AgentClient;

/** `{campaignInfo, conversationContext}` for cm.ConsumerRequestConversation; throws LpmonError (kind 'validation') without an exposed engagement. */
export function conversationContext(engageResult: EngageResult, options?: ConversationOptions): ConversationStart;

/** The JSON text of the `client-properties` header: browser facts overridden by `props`. */
export function clientPropertiesHeader(props?: ClientProperties): string;
