// Types of the script tag's globals (dist/lpmon.js): `window.lpmon`, the lpTag layer and
// `window.lpmonConfig`. Types only: `/// <reference types="lpmon/global" />` or
// `import type {} from 'lpmon/global'` in page code written in TypeScript.
import type {
  ConversationStart, EngageRequest, EngageResult, EngagementDetail, Identity, ImpressionSde, LpmonEvent, Monitor,
  MonitorConfig, ReportRequest, ReportResult, Sde,
} from '../pkg/lpmon.js';

/** What `lpmon.push` takes; a function as last item is called with the answer. */
export type LpmonEngageEntry = ['engage', EngageRequest?, ((answer: EngageResult) => void)?];
export type LpmonReportEntry = ['report', ReportRequest, ((answer: ReportResult) => void)?];
export type LpmonConsentEntry = ['setConsent', 'granted' | 'denied'];

/** `window.lpmon`: the default monitor of the script tag (also what the pre-load snippet stubs):
 * a `Monitor`, plus what only the script tag has. */
export interface LpmonGlobal extends Monitor {
  /** The visitor id, or undefined when none is known (or lpmon could not start). */
  getVid(): string | undefined;
  /**
   * The visitor's consent ('granted' sends the calls waiting for it; 'denied' refuses calls and
   * removes what lpmon stored). With `data-consent="pending"` on the tag nothing is stored or
   * sent until it is granted. Works before lpmon has loaded (with the pre-load snippet).
   */
  setConsent(consent: 'granted' | 'denied'): void;
  /** Queues a call (before lpmon has loaded) or makes it now (after). */
  push(entry: LpmonEngageEntry): void;
  push(entry: LpmonReportEntry): void;
  push(entry: LpmonConsentEntry): void;
  /** true once lpmon is ready; false when it cannot run here (see the LOAD_FAILED event). */
  ready: Promise<boolean>;
  /** Impressions that count themselves: see `TrackingMonitor.track` in the ESM types. */
  track(element: Element, detail: EngagementDetail, options?: { onAccept?: (start: ConversationStart | undefined, sent: Promise<unknown>) => void; onDisplay?: () => void }): { close(): void };
  /** Debug mode (audit and panel) on or off; with no argument, whether it is on. */
  debug(): boolean;
  debug(on: boolean): void;
}

/** What `window.lpmonConfig` may set; the script tag's data attributes win over it. */
export interface LpmonScriptConfig extends Partial<Omit<MonitorConfig, 'onEvent'>> {
  /** Turn the lpTag layer on or off (default: on when the page already has `window.lpTag`). */
  lptag?: boolean;
}

/** The SDEs lpTag.sdes carries: the engagement attributes and the impression events. */
export type LpTagSde = Sde | ImpressionSde;

/** An lpTag event as `hasFired` returns it. */
export interface LpTagFiredEvent<T = unknown> {
  appName: string;
  eventName: string;
  data: T;
}

/** Data of LP_OFFERS/OFFER_DISPLAY: an engagement with status "expose" and its page. */
export type LpTagOfferDisplay = EngagementDetail & { pageId: string };

/** Data of LP_OFFERS/OFFER_CLICK: the engagement of a reported impAccept. */
export interface LpTagOfferClick {
  campaignId: number | string;
  engagementId: number | string;
  engagementRevision?: number | string;
  contextId?: string | number;
  pageId: string;
}

export type LpTagCallback<T = any> = (data: T, info: { appName: string; eventName: string }) => void;

export interface LpTagBinding<T = any> {
  eventName: string;
  /** Default '*': any app. */
  appName?: string;
  func: LpTagCallback<T>;
  /** `this` of func. */
  context?: unknown;
  /** Call func later (setTimeout) instead of during the trigger. */
  async?: boolean;
  /** Unbind after the first call. */
  triggerOnce?: boolean;
}

/** Events of the lpTag layer, told as lp_monitoringSDK events and as `lpmon` window events. */
export type LpTagLayerEvent =
  /** An SDE lpmon's validation rejected was left out of the call; the rest went out. `index` is
   * its place among the SDEs of that call (after the BEFORE_SUBMIT_SDE hooks). */
  | { app: 'lp_monitoringSDK'; name: 'SDE_DROPPED'; data: { index: number; type?: string; reason: string } }
  /** The start-page call of a page view failed (whatever the reason). */
  | { app: 'lp_monitoringSDK'; name: 'SP_FAILED'; data: LpTagCallFailure }
  /** A report the layer made failed. */
  | { app: 'lp_monitoringSDK'; name: 'REPORT_FAILED'; data: LpTagCallFailure };

/** Why a call of the lpTag layer failed (the LpmonError's fields); `queued`: lpmon keeps the
 * report and delivers it later. */
export interface LpTagCallFailure {
  kind?: 'config' | 'validation' | 'http' | 'network' | 'consent';
  message: string;
  status?: number;
  queued?: boolean;
}

/** The data of one of lpmon's own events (or the lpTag layer's), by name. */
export type LpmonEventData<N extends (LpmonEvent | LpTagLayerEvent)['name']> = Extract<LpmonEvent | LpTagLayerEvent, { name: N }>['data'];

export interface LpTagEvents {
  /** Binds func; returns a handle for unbind (null when func is not a function). */
  bind<N extends (LpmonEvent | LpTagLayerEvent)['name']>(appName: 'lp_monitoringSDK', eventName: N, func: LpTagCallback<LpmonEventData<N>>): number | null;
  bind(appName: 'lp_sdes', eventName: 'VAR_ADDED', func: LpTagCallback<LpTagSde>): number | null;
  bind(appName: 'LP_OFFERS', eventName: 'OFFER_DISPLAY', func: LpTagCallback<LpTagOfferDisplay>): number | null;
  bind(appName: 'LP_OFFERS', eventName: 'OFFER_CLICK', func: LpTagCallback<LpTagOfferClick>): number | null;
  bind(appName: string, eventName: string, func: LpTagCallback): number | null;
  bind(binding: LpTagBinding): number | null;
  /** By the handle bind returned, or by app, event (and function); true when something was unbound. */
  unbind(handle: number): boolean;
  unbind(appName: string, eventName: string, func?: LpTagCallback): boolean;
  unbind(binding: { appName?: string; eventName: string; func?: LpTagCallback }): boolean;
  trigger(appName: string, eventName: string, data?: unknown): void;
  trigger(event: { appName: string; eventName: string; data?: unknown }): void;
  /** The events fired so far (the last 500); appName '*' matches any app. */
  hasFired(appName: string, eventName: string): LpTagFiredEvent[];
}

export interface LpTagSdes {
  /** Adds SDEs to the page (each argument an SDE or an array of them, as the snippet's array
   * takes them before lpmon loads); they go with lpmon's next call (made right after, or the
   * start page). */
  push(...sdes: Array<LpTagSde | LpTagSde[]>): void;
  /** Adds SDEs and sends them now; callback(error, answer) once the call is done. */
  send(sde?: LpTagSde | LpTagSde[], callback?: (error: Error | null, answer?: ReportResult | EngageResult) => void): void;
  send(callback: (error: Error | null, answer?: ReportResult | EngageResult) => void): void;
  /** The current page's SDEs, all or of one type (undefined when the page has none of it). */
  get(): LpTagSde[];
  get(type: LpTagSde['type']): LpTagSde[] | undefined;
}

/** Called with a callback that takes the consumer's identity. */
export type LpTagIdentityFunction = (callback: (identity: Identity | Identity[]) => void) => void;

export interface LpTagSdeHookOptions {
  data: { sdes: LpTagSde[] };
}

/** The hook lpmon runs (other hook names are for other taglets: lpmon ignores them). */
export interface LpTagHook {
  name: 'BEFORE_SUBMIT_SDE';
  /** Return the options, changed or not; empty `data.sdes` to send none. */
  callback: (options: LpTagSdeHookOptions) => LpTagSdeHookOptions;
}

export interface LpTagNewPageOptions {
  section?: string | string[];
  sdes?: LpTagSde | LpTagSde[];
  /** Accepted for compatibility; lpmon has no other taglets. */
  taglets?: Record<string, unknown>;
}

/** `window.lpTag` with lpmon's layer (data-lptag, or an lpTag object already on the page). */
export interface LpTag {
  /** Sent as `sec://{section}` entry points with every page view. */
  section?: string | string[];
  sdes: LpTagSdes;
  identities: LpTagIdentityFunction[];
  hooks: LpTagHook[];
  events: LpTagEvents;
  /** A new page of a single-page app: a new page id and the start-page call. */
  newPage(url?: string, options?: LpTagNewPageOptions): void;
  taglets: { lp_monitoringSDK: { getVid(): string | undefined; getSid(): string | undefined; track: LpmonGlobal['track'] } };
  [key: string]: unknown;
}

declare global {
  /** The script tag's default monitor (and the pre-load snippet's queue before it loads). */
  var lpmon: LpmonGlobal;
  /** The lpTag object; its layer is lpmon's when data-lptag is set or lpTag existed first. */
  var lpTag: LpTag;
  /** Set before the script tag to configure it from code. */
  var lpmonConfig: LpmonScriptConfig | undefined;
}
