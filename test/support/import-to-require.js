/**
 * Jest transformer for PGlite's CommonJS build: it loads Node built-ins with `import("fs")` etc., which jest's
 * sandbox refuses unless node runs with --experimental-vm-modules. Literal built-in imports become requires.
 */
const { builtinModules } = require('node:module');

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

module.exports = {
  getCacheKey(source, path) {
    return require('node:crypto').createHash('sha256').update('import-to-require-v2').update(path).update(source).digest('hex');
  },
  process(source) {
    // The bundle declares its own `var require` in places, so the module's require is kept under another name.
    const body = source.replace(/\bimport\((["'])([^"']+)\1\)/g, (whole, _q, name) => (builtins.has(name) ? `Promise.resolve().then(() => __jestRequire(${JSON.stringify(name)}))` : whole));
    return { code: `const __jestRequire = require;${body}` };
  },
};
