// The agent glue's entry (the build bundles this file into pkg/agent/lpmon_agent.js):
// wasm-bindgen's module, with its answers and timers routed back in through the wasm's `wake`
// export, as the consumer's glue (src/bindings/glue.js) does.
import * as wasm from '../../../pkg/agent/lpmon_agent_raw.js';
// The same module instance as the wasm's imports (scripts/build.mjs points the raw glue here).
import { bind } from '../../platform/primitives.js';

export { default, initSync, createAgentClient, AgentClient } from '../../../pkg/agent/lpmon_agent_raw.js';

// Called only once requests and timers exist, that is after the wasm was instantiated.
bind(wasm.wake);
