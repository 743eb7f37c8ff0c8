/**
 * Links between Metal objects: an object's `href` is its path under the API's base, as Metal's were
 * ("/metal/v1/devices/<id>"). Part of the object model, so whoever builds the objects builds the links.
 */
export const METAL_API_BASE = '/metal/v1';

/** `{ href }` of the object at `path` ("/devices/<id>"). */
export const href = (path: string) => ({ href: `${METAL_API_BASE}${path}` });
