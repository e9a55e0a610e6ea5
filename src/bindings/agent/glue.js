// The agent glue's entry (the build bundles this file into pkg/agent/lpmon_agent.js):
// wasm-bindgen's module with lpmon's `init` (../init.js), and its answers and timers routed back in
// through the wasm's `wake` export, as the consumer's glue (../glue.js) does.
import { __wbg_get_imports, __wbg_finalize_init, wake } from '../../../pkg/agent/lpmon_agent_raw.js';
// The same module instance as the wasm's imports (scripts/build.mjs points the raw glue here).
import { bind } from '../../platform/primitives.js';
import { initWith } from '../init.js';

export { createAgentClient, AgentClient } from '../../../pkg/agent/lpmon_agent_raw.js';

/** Loads and instantiates the agent wasm (see ../init.js); by default the .wasm beside this file. */
export default initWith(__wbg_get_imports, __wbg_finalize_init, () => new URL('lpmon_agent_bg.wasm', import.meta.url));

// Called only once requests and timers exist, that is after the wasm was instantiated.
bind(wake);
