// Types of lpmon's ESM entry; the request and answer types come from the generated bindings.
import type { InitInput, InitOutput, Monitor, MonitorConfig } from '../pkg/lpmon.js';

export type * from '../pkg/lpmon.js';

/** Loads and instantiates the WebAssembly module; call once and await before anything else. */
export default function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

/** Creates a monitor for one account and app installation; throws LpmonError (kind 'config'). */
export function createMonitor(config: MonitorConfig): Monitor;
