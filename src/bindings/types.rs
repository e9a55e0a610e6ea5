//! The TypeScript types of the JS surface, spelled out for the generated `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Configuration of `createMonitor`. */
export interface MonitorConfig {
  /** LivePerson account (site) id. */
  accountId: string;
  /** App key of the conversation source (Mobile App / Private App). */
  appInstallationId: string;
  /** Monitoring API host (https) or origin (http only for loopback). Omitted: looked up through CSDS. */
  domain?: string;
  /** CSDS origin; default `https://api.liveperson.net`. */
  csds?: string;
  /** Pause before each retry; N delays = at most N retries. Default [3000, 10000, 30000, 90000]. */
  retry?: { delaysMs: number[] };
  /** Per-request timeout in ms; default 10000. */
  timeoutMs?: number;
  /** 'local' (default; falls back to memory when localStorage fails) or 'memory'. */
  storage?: 'local' | 'memory';
  /**
   * The visitor's consent (default 'granted'). 'pending': nothing is stored or sent, calls wait
   * in memory (at most 100) until `setConsent`; 'denied': calls reject with kind 'consent'. The
   * first monitor of an account + app in a page sets it; later ones share it.
   */
  consent?: 'granted' | 'pending' | 'denied';
  /** true: a browser whose `navigator.globalPrivacyControl` is true counts as consent 'denied'. */
  respectGlobalPrivacyControl?: boolean;
  /** Called with every lpmon event (also dispatched as a `lpmon` CustomEvent on window). */
  onEvent?: (event: LpmonEvent) => void;
}

/** The two Monitoring API calls, as events name them. */
export type CallName = 'engagement' | 'report';

/**
 * An lpmon event, given to `onEvent` and dispatched as `new CustomEvent('lpmon', {detail})` on
 * window. Never carries consumer data. READY and LOAD_FAILED come from the script tag only.
 */
export type LpmonEvent =
  /** An engagement call is being sent (the start-page request of the original tag). */
  | { app: 'lp_monitoringSDK'; name: 'SP_SENT'; data: Record<string, never> }
  /** A call ended; `status` 0 means no answer; `created` is set on success. */
  | { app: 'lp_monitoringSDK'; name: 'REQUEST_COMPLETE'; data: { method: CallName; status: number; created?: boolean } }
  /** A call is retried after `pauseMs`. */
  | { app: 'lp_monitoringSDK'; name: 'RETRY'; data: { method: CallName; status: number; attempt: number; pauseMs: number } }
  /** Debug mode: an engagement offered with status 'expose' got no impDisplay within 10 s. */
  | { app: 'lp_monitoringSDK'; name: 'IMPRESSION_MISSING'; data: { campaignId: number | string; engagementId: number | string; contextId: string | number } }
  /** Impression events dropped because their session was gone. */
  | { app: 'lp_monitoringSDK'; name: 'IMPRESSIONS_DROPPED'; data: { dropped: number } }
  /** localStorage failed (lpmon keeps the session in memory), or held a value lpmon ignored. */
  | { app: 'lp_monitoringSDK'; name: 'STORAGE_FALLBACK' | 'STORAGE_IGNORED' | 'STORAGE_CLEARED'; data: { reason: string } }
  /** Reports: sent at page hide, dropped (queue full), delivered late, a late round failed (still kept), given up. */
  | { app: 'lp_monitoringSDK'; name: 'QUEUE_FLUSHED'; data: { sent: number } }
  | { app: 'lp_monitoringSDK'; name: 'QUEUE_DROPPED'; data: { dropped: number } }
  | { app: 'lp_monitoringSDK'; name: 'QUEUE_DELIVERED'; data: Record<string, never> }
  | { app: 'lp_monitoringSDK'; name: 'QUEUE_FAILED'; data: { kind: string } }
  /** `kind`: the error kind, 'expired', 'reset' or 'consent'. */
  | { app: 'lp_monitoringSDK'; name: 'QUEUE_GAVE_UP'; data: { kind: string } }
  /** CSDS could not be asked; an older stored answer is used. */
  | { app: 'lp_monitoringSDK'; name: 'CSDS_FALLBACK'; data: Record<string, never> }
  /** Script tag: the default monitor is ready. */
  | { app: 'lp_monitoringSDK'; name: 'READY'; data: Record<string, never> }
  /** Script tag: lpmon cannot run here (e.g. a CSP without 'wasm-unsafe-eval'); `reason` says why. */
  | { app: 'lp_monitoringSDK'; name: 'LOAD_FAILED'; data: { reason: string } };

declare global {
  interface WindowEventMap {
    /** lpmon's events (see `LpmonEvent`). */
    lpmon: CustomEvent<LpmonEvent>;
  }
}

/** `{iss, acr, sub}`: acr '0' for unauthenticated, 'loa1' for authenticated consumers. */
export interface Identity {
  iss?: string;
  acr?: '0' | 'loa1';
  sub: string;
}

/**
 * `clientProperties` of `engage`: the fields the Monitoring API documents, nothing else (another
 * field is a `validation` error). lpmon fills in deviceFamily, os/osName and osVersion; `null`
 * leaves one out.
 */
export interface EngagementClientProperties {
  appVersion?: string | null;
  deviceFamily?: 'DESKTOP' | 'TABLET' | 'MOBILE' | null;
  /** IPv4, e.g. '192.0.2.7'. */
  ipAddress?: string | null;
  os?: 'WINDOWS' | 'MAC_OSX' | 'LINUX' | 'IOS' | 'ANDROID' | null;
  osName?: 'WINDOWS' | 'MAC_OSX' | 'LINUX' | 'IOS' | 'ANDROID' | null;
  osVersion?: string | null;
}

/** The Connector API's `client-properties` header (`clientPropertiesHeader`): a wider set. */
export interface ClientProperties {
  appVersion?: string;
  deviceFamily?: 'DESKTOP' | 'TABLET' | 'MOBILE';
  ipAddress?: string;
  os?: 'WINDOWS' | 'MAC_OSX' | 'LINUX' | 'IOS' | 'ANDROID';
  osName?: 'WINDOWS' | 'MAC_OSX' | 'LINUX' | 'IOS' | 'ANDROID';
  osVersion?: string;
  browser?: string;
  browserVersion?: string;
  appId?: string;
  deviceModel?: string;
  deviceManufacture?: string;
  timeZone?: string;
  integration?: 'WEB_SDK' | string;
  integrationVersion?: string;
  [key: string]: unknown;
}

export interface Product {
  name?: string;
  category?: string;
  sku?: string | number;
  price?: number;
  statusInStock?: string | number;
  quantityInStock?: number;
}
export interface ProductLine { product?: Product; quantity?: number }
export interface SdeDate { day?: number; month?: number; year?: number }

export interface CartSde { type: 'cart'; total: number; currency?: string; numItems: number; products?: ProductLine[] }
export interface PurchaseSde { type: 'purchase'; total?: number; currency?: string; orderId?: string | number; cart?: { products: ProductLine[]; numItems?: number } }
export interface ProdViewSde { type: 'prodView'; currency?: string; products?: { product?: Product }[] }
export interface CustomerInfoSde {
  type: 'ctmrinfo';
  info?: {
    cstatus?: string; ctype?: string; customerId?: string | number; balance?: number; currency?: string;
    socialId?: string | number; imei?: string | number; userName?: string; companySize?: number;
    companyBranch?: string; accountName?: string; role?: string; lastPaymentDate?: SdeDate;
    registrationDate?: SdeDate; loginStatus?: string | number; storeZipCode?: string | number; storeNumber?: string | number;
  };
}
export interface MarketingInfoSde { type: 'mrktInfo'; info?: { channel?: string | number; affiliate?: string; campaignId?: string | number } }
export interface PersonalInfoSde {
  type: 'personal';
  personal?: {
    firstname?: string; lastname?: string;
    age?: { age?: number; year?: number; month?: number; day?: number };
    contacts?: { email?: string; phone?: string | number; phoneType?: string; address?: { country?: string; region?: string } }[];
    gender?: 'MALE' | 'FEMALE' | 'OTHER'; company?: string; language?: string;
  };
}
export interface LeadSde { type: 'lead'; lead?: { topic?: string; value?: number; currency?: string; leadId?: string | number } }
export interface ServiceSde { type: 'service'; service?: { topic?: string; status?: number; category?: string; serviceId?: string | number } }
export interface ErrorSde { type: 'error'; error?: { contextId?: string | number; message?: string; code?: string | number; level?: string | number; resolved?: boolean } }
export interface SearchInfoSde { type: 'searchInfo'; keywords?: string[] }

/** The SDEs `engage` accepts. */
export type Sde = CartSde | PurchaseSde | ProdViewSde | CustomerInfoSde | MarketingInfoSde | PersonalInfoSde | LeadSde | ServiceSde | ErrorSde | SearchInfoSde;

export interface EngagementContext { type: 'engagementContext'; id: string | number }
export interface ImpressionDisplaySde { type: 'impDisplay'; campaign: number | string; engId: number | string; revision?: number | string; eContext?: EngagementContext[] }
export interface ImpressionAcceptSde { type: 'impAccept'; campaign: number | string; engId: number | string; revision?: number | string; eContext?: EngagementContext[] }
export interface ImpressionExpandedSde { type: 'impExpanded'; campaign: number | string; engId: number | string; revision?: number | string; expanded?: boolean; userInit?: boolean; actionableItems?: (string | number)[] }
export interface ImpressionTimeoutSde { type: 'impTimeout'; campaign: number | string; engId: number | string; revision?: number | string }
export interface ImpressionCloseSde { type: 'impClose'; campaign: number | string; engId: number | string; revision?: number | string }
/** Impression events: `report` only, and only in the session whose engagement call showed them. */
export type ImpressionSde = ImpressionDisplaySde | ImpressionAcceptSde | ImpressionExpandedSde | ImpressionTimeoutSde | ImpressionCloseSde;

export interface EngageRequest {
  identities?: Identity[];
  /** Deprecated by LivePerson in favour of identities; never an email or anything guessable. */
  consumerId?: string;
  /** e.g. 'https://brand.example/cart', 'sec://Sport', 'lang://English'. */
  entryPoints?: string[];
  engagementAttributes?: Sde[];
  pageId?: string;
  clientProperties?: EngagementClientProperties;
}

export interface ReportRequest {
  engagementAttributes: (Sde | ImpressionSde)[];
  entryPoints?: string[];
  pageId?: string;
  identities?: Identity[];
  consumerId?: string;
}

export interface EngagementDetail {
  campaignId: number;
  engagementId: number;
  engagementRevision: number;
  contextId?: string;
  conversationId?: string;
  windowId?: number;
  connectorId?: number;
  language?: string;
  /** 'expose': show the engagement; 'conversation': an open conversation exists. */
  status: 'expose' | 'conversation';
  [key: string]: unknown;
}

export interface ReportResult { visitorId: string; sessionId: string; pageId: string }
export interface EngageResult extends ReportResult {
  /** True when this call's answer was a 201 (a new session). */
  created: boolean;
  /** Empty when no engagement is available. */
  engagementDetails: EngagementDetail[];
}

/** A monitor for one account and app installation: what `createMonitor` returns. */
export interface Monitor {
  /** The visitor id of this device, or `undefined` when none is known. It outlives sessions
   * until `reset()` or denied consent. */
  getVid(): string | undefined;
  /** The session id of the live session, or `undefined` when there is none. */
  getSid(): string | undefined;
  /** Asks which engagement to show now. */
  engage(request?: EngageRequest): Promise<EngageResult>;
  /** Reports SDEs and impressions; resolves once the server accepted the report. Reports are
   * delivered in call order; a rejection with `queued: true` means "not delivered yet": lpmon
   * keeps the report and sends it later (the `QUEUE_DELIVERED` or `QUEUE_GAVE_UP` event tells the
   * outcome). A rejection without `queued` is final. */
  report(request: ReportRequest): Promise<ReportResult>;
  /** The visitor's answer: `'granted'` sends the calls waiting for it, in call order; `'denied'`
   * (or any other value: a typo fails closed) refuses calls with kind `consent` and removes every
   * key lpmon stored. */
  setConsent(consent: 'granted' | 'denied'): void;
  /** Logout or a shared device: forgets the visitor, the session and the reports not sent yet
   * (their calls reject). The next call starts as a new visitor. */
  reset(): void;
}

/** What lpmon rejects and throws with: `err.name === 'LpmonError'`. */
export interface LpmonError extends Error {
  name: 'LpmonError';
  /** 'consent': consent is denied or was withdrawn (nothing was stored or sent). */
  kind: 'config' | 'validation' | 'http' | 'network' | 'consent';
  /**
   * `report` only: true when lpmon keeps the report and will still deliver it (event
   * QUEUE_DELIVERED, or QUEUE_GAVE_UP when it never is): do not send it again. Absent: final.
   */
  queued?: true;
  /** HTTP status (kind 'http'). */
  status?: number;
  /** The error body's internalCode, when it had one. */
  internalCode?: number;
}
"#;
