// The JS side of lpmon's bindings (src/bindings/): values cross the boundary as JSON text, and
// LpmonErrors are made here. Nothing here throws.

/** The JSON text of `value` ('null' for undefined and null), or undefined when JSON.stringify
 * cannot handle it (cycles, BigInt, a function). */
export function toJson(value) {
  if (value === undefined || value === null) return 'null';
  try {
    return JSON.stringify(value);
  } catch (_) {
    return undefined;
  }
}

/** The plain value of JSON text that lpmon wrote or checked; undefined in the unlikely case that
 * JSON.parse refuses text lpmon's own parser let through, so a promise still settles. */
export function fromJson(text) {
  try {
    return JSON.parse(text);
  } catch (_) {
    return undefined;
  }
}

/** An Error named LpmonError with `kind`, for http errors `status` and `internalCode`, and
 * `queued: true` for a report lpmon keeps to deliver later. */
export function lpmonError(message, kind, status, internalCode, queued) {
  const e = new Error(message);
  e.name = 'LpmonError';
  e.kind = kind;
  if (status !== undefined) e.status = status;
  if (internalCode !== undefined) e.internalCode = internalCode;
  if (queued) e.queued = true;
  return e;
}

/** The config's `onEvent` when it is a function. */
export function onEvent(config) {
  try {
    const f = config.onEvent;
    return typeof f === 'function' ? f : undefined;
  } catch (_) {
    return undefined;
  }
}
