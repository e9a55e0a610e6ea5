//! The TypeScript types of the agent surface, spelled out for the generated `.d.ts`. They mirror
//! the Rust types of `core::agent`: a member that may be missing or `null` is `x?: T | null`.
//! Members the server adds later are passed through untouched (they are just not typed here).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_AGENT_TYPES: &'static str = r#"
/** OAuth 1.0a API key of the account (all four values). Never put these in a public page. */
export interface OAuthKeys {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** A bearer token, e.g. minted by the brand's server for this agent's session. */
export interface BearerAuth {
  bearer: string;
}

/** Configuration of `createAgentClient`. */
export interface AgentConfig {
  /** LivePerson account (site) id. */
  accountId: string | number;
  /** Host (https) or origin (http only for loopback) of the `smt` service, for `visitInfo`. Omitted: CSDS. */
  domain?: string;
  /** Host or origin of the `leDataReporting` service, for `engagementActivity`. Omitted: CSDS. */
  reportingDomain?: string;
  /** CSDS origin; default `https://api.liveperson.net`. */
  csds?: string;
  /** `{ bearer }` or the four OAuth 1.0a values. */
  auth: BearerAuth | OAuthKeys;
  /** Pause before each retry of a 429, 5xx or network failure; default [1000, 3000, 10000]. A 429 always waits at least 1 s. */
  retry?: { delaysMs: number[] };
  /** Per-request timeout in ms; default 10000. */
  timeoutMs?: number;
}

/** The visit to read: the vid and sid that `getVid()`/`getSid()` give on the monitored page. */
export interface VisitInfoRequest {
  visitorId: string;
  sessionId: string;
}

/** Skill or agent ids: positive integers, or `'all'` (every one with data in the period). */
export type IdSelection = number[] | 'all';

/** An Engagement Activity request. */
export interface EngagementActivityRequest {
  /** Minutes back from now, 1 to 1440. */
  timeframe: number;
  /** Minutes per interval: at least 5, at most `timeframe`, and a divisor of it. */
  interval?: number;
  /** Group by these skills (and per agent within each). */
  skillIds?: IdSelection;
  /** Group by these agents. */
  agentIds?: IdSelection;
}

/** The time a request really covers: data is aggregated in 5-minute buckets. */
export interface ActivityWindow {
  /** Start of the data (ms since the epoch): `now - timeframe` rounded down to 5 minutes. */
  from: number;
  /** End of the data: now. */
  to: number;
  /** End of the newest bucket: now rounded up to 5 minutes (the newest interval's timestamp). */
  lastBucketEnd: number;
  /** Number of 5-minute buckets aggregated. */
  buckets: number;
  /** With an interval, the intervals of `metricsByIntervals`, newest first. */
  intervals: { timestamp: number; from: number; to: number }[];
}

/** The five metrics. */
export interface Metrics {
  /** Interactive chats closed in the period. */
  totalInteractiveChats: number;
  /** Non-interactive chats closed (abandoned ones included). */
  totalNonInteractiveChats: number;
  /** Seconds spent handling the interactive chats. */
  totalHandlingTime: number;
  /** Seconds spent handling the non-interactive chats. */
  nonInteractiveTotalHandlingTime: number;
  /** Chats connected to an agent. */
  connectedEngagements: number;
}

/** Per agent; agents without data are left out, the totals always have every metric. */
export interface AgentsMetrics {
  metricsPerAgent?: Record<string, Metrics> | null;
  metricsTotals?: Metrics | null;
}

/** One skill: its agents and its totals. */
export interface SkillMetrics {
  metricsPerAgent?: Record<string, Metrics> | null;
  metricsTotals?: Metrics | null;
}

/** Per skill; skills without data are left out, the totals always have every metric. */
export interface SkillsMetrics {
  metricsPerSkill?: Record<string, SkillMetrics> | null;
  metricsTotals?: Metrics | null;
}

/** The data of one period, in the shape the request asked for. */
export interface MetricsData {
  /** With skill ids. */
  skillsMetricsPerAgent?: SkillsMetrics | null;
  /** With agent ids. */
  agentsMetrics?: AgentsMetrics | null;
  /** Without skill and agent ids (account level). */
  metricsTotals?: Metrics | null;
}

/** An Engagement Activity answer: the whole time frame, and per interval when one was asked. */
export interface EngagementActivity extends MetricsData {
  /** Newest first; `timestamp` is the interval's end (ms since the epoch). */
  metricsByIntervals?: { timestamp?: number | null; metricsData?: MetricsData | null }[] | null;
}

/** A member the SDEs accept as text, number or boolean, passed on as the server gave it. */
export type Scalar = string | number | boolean | null;
/** Objects keyed by an id, each with its revision. */
export type Revisions = Record<string, { revision?: number | null }>;

export interface PageContext { page?: { id?: string | null } | null }
export interface VisitProduct {
  name?: string | null; category?: string | null; sku?: Scalar; price?: number | null;
  statusInStock?: Scalar; quantityInStock?: Scalar;
}
export interface VisitProductLine { product?: VisitProduct | null; quantity?: number | null }
export interface VisitCart {
  /** Events only. */
  serverTimeStamp?: number | null;
  total?: number | null;
  contexts?: PageContext | null;
  numItems?: number | null;
  products?: VisitProductLine[] | null;
  currency?: string | null;
}
export interface VisitDate { year?: number | null; month?: number | null; day?: number | null }
export interface PersonalInfo {
  name?: string | null;
  surname?: string | null;
  customerAge?: {
    customerAgeInYears?: number | null; customerYearOfBirth?: number | null;
    customerMonthOfBirth?: number | null; customerDateOfBirth?: number | null;
  } | null;
  contacts?: { email?: string | null; phone?: Scalar; phoneType?: string | null; address?: { country?: string | null; region?: string | null } | null }[] | null;
  gender?: 'MALE' | 'FEMALE' | 'OTHER' | string | null;
  company?: string | null;
  language?: string | null;
}
export interface CustomerInfo {
  customerStatus?: string | null; customerType?: string | null; balance?: number | null;
  customerId?: Scalar; lastPaymentDate?: VisitDate | null; registrationDate?: VisitDate | null;
  loginStatus?: Scalar; companyBranch?: string | null; socialId?: Scalar; imei?: Scalar;
  userName?: string | null; companySize?: Scalar; accountName?: string | null; role?: string | null;
  storeZipCode?: Scalar; storeNumber?: Scalar;
}
export interface MarketingCampaignInfo {
  /** 0 direct, 1 search, 2 social, 3 e-mail, 4 referral. */
  originatingChannel?: Scalar; affiliate?: string | null; campaignId?: Scalar;
}
export interface ServiceActivity {
  serverTimeStamp?: number | null; topic?: string | null; status?: number | null; category?: string | null;
  serviceId?: Scalar; serviceSeqId?: string | null; repeatedServiceActivity?: boolean | null;
}
export interface VisitorError {
  contextId?: Scalar; message?: string | null; code?: Scalar; level?: Scalar; resolved?: unknown;
}
export interface Purchase {
  serverTimeStamp?: number | null; repeatedOrderId?: boolean | null; purchaseSeqId?: string | null;
  total?: number | null; currency?: string | null; orderId?: Scalar; contexts?: PageContext | null;
  cart?: VisitCart | null;
}
export interface Lead {
  topic?: string | null; value?: number | null; currency?: string | null; ticketId?: Scalar;
  leadId?: Scalar; leadSeqId?: string | null; repeatedLeadId?: boolean | null;
}

/** One reported engagement attribute, under the member naming its kind. */
export interface VisitEvent {
  marketingCampaignInfo?: { serverTimeStamp?: number | null; contexts?: PageContext | null; marketingCampaignInfo?: MarketingCampaignInfo | null } | null;
  lead?: { serverTimeStamp?: number | null; contexts?: PageContext | null; lead?: Lead | null } | null;
  cartStatus?: VisitCart | null;
  purchase?: Purchase | null;
  viewedProduct?: { serverTimeStamp?: number | null; contexts?: PageContext | null; currency?: string | null; products?: { product?: VisitProduct | null }[] | null } | null;
  customerInfo?: { serverTimeStamp?: number | null; customerInfo?: CustomerInfo | null; contexts?: PageContext | null } | null;
  personalInfo?: { serverTimeStamp?: number | null; personalInfo?: PersonalInfo | null; contexts?: PageContext | null } | null;
  serviceActivity?: { serverTimeStamp?: number | null; serviceActivity?: ServiceActivity | null; contexts?: PageContext | null } | null;
  visitorError?: { serverTimeStamp?: number | null; contexts?: PageContext | null; visitorError?: VisitorError | null } | null;
}

/** A page viewed. */
export interface VisitPage {
  referrer?: string | null;
  pageBasic?: { url?: string | null; startTime?: number | null; referrer?: string | null; title?: string | null; sections?: string[] | null } | null;
  pageTitle?: string | null;
  revActiveOSLs?: Revisions | null;
  startTime?: number | null;
  /** ms. */
  timeOnPage?: number | null;
  id?: string | null;
  pageLoaded?: boolean | null;
  /** The URL without its scheme. */
  url?: string | null;
}

/** An engagement shown in the session. */
export interface VisitEngagement {
  engagement?: {
    state?: number | null; zoneId?: number | null; pageId?: string | null;
    firstFollowMeEngagementContextId?: Scalar; campaignControl?: string | null;
    campaignEntity?: { revision?: number | null; id?: number | null; goalId?: number | null; campaignEventSequence?: unknown; activeVPs?: Revisions | null } | null;
    engagementEntity?: {
      revision?: number | null; id?: number | null; channel?: number | null; type?: number | null;
      isOffsiteEngagement?: boolean | null; activeVBs?: Revisions | null; activeOSLs?: Revisions | null;
      engagementSkill?: { skillName?: string | null; skillId?: number | null } | null;
      surveySkills?: unknown[] | null; availabilityPolicy?: number | null; renderingType?: number | null;
      conversationType?: number | null;
    } | null;
    goalEntity?: { revision?: number | null; id?: number | null; type?: number | null; indicatorType?: number | null } | null;
  } | null;
  /** Sequence id within the session. */
  id?: string | null;
  /** When the consumer clicked it. */
  impressionAccepted?: { activityTime?: number | null; pageId?: string | null }[] | null;
}

/** One app session of the visit (a web visit has one). */
export interface AppSession {
  engagements?: VisitEngagement[] | null;
  personalInfo?: { personalInfo?: PersonalInfo | null } | null;
  revActiveVPs?: Revisions | null;
  serviceActivity?: ServiceActivity[] | null;
  revAllVPs?: Revisions | null;
  customerInfo?: { customerInfo?: CustomerInfo | null } | null;
  mobileDeviceInfo?: { mobile?: boolean | null; detected?: boolean | null } | null;
  revActiveVBs?: Revisions | null;
  cart?: { cartStatus?: VisitCart | null; lastTotalChange?: number | null } | null;
  geo?: { country?: string | null; countryCode?: string | null; state?: string | null; city?: string | null; isp?: string | null; org?: string | null } | null;
  viewedProduct?: { product?: VisitProduct | null }[] | null;
  ipv4?: string | null;
  /** ms since the epoch. */
  startTime?: number | null;
  id?: string | null;
  revAllOSLs?: Revisions | null;
  visitorError?: VisitorError[] | null;
  marketingCampaignInfo?: { marketingCampaignInfo?: MarketingCampaignInfo | null } | null;
  searchEngine?: { searchEngine?: string | null; keywords?: string | null } | null;
  purchases?: Purchase[] | null;
  deviceOS?: string | null;
  userAgent?: string | null;
  deviceFamily?: 'DESKTOP' | 'TABLET' | 'MOBILE' | string | null;
  leads?: Lead[] | null;
  revAllVBs?: Revisions | null;
  siteControlGroup?: string | null;
  externalReferrer?: string | null;
  pages?: VisitPage[] | null;
  /** Every engagement attribute reported, in order. */
  events?: VisitEvent[] | null;
}

/** A Visit Information answer. */
export interface VisitState {
  /** Monitoring session id. */
  id?: string | null;
  appSessions?: AppSession[] | null;
}
"#;
