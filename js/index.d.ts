// Types of lpmon's ESM entry; the request and answer types come from the generated bindings.
import type { InitInput, InitOutput, Monitor, MonitorConfig } from '../pkg/lpmon.js';

export type * from '../pkg/lpmon.js';

/** Loads and instantiates the WebAssembly module; call once and await before anything else. */
export default function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

/** Creates a monitor for one account and app installation; throws LpmonError (kind 'config'). */
export function createMonitor(config: MonitorConfig): Monitor;

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
