// Middy 7 and its helpers export an `import` condition only, while Jest resolves with
// `require`. For Middy's own packages resolve with `import` (Jest transpiles them to CJS);
// everything else resolves as usual.
const middy = /^(@middy\/|middy6$|middy7$)/;
const insideMiddy = /[\\/]node_modules[\\/](@middy|middy6|middy7)[\\/]/;

module.exports = (request, options) => {
  const esmOnly = middy.test(request) || insideMiddy.test(options.basedir);
  return options.defaultResolver(request, esmOnly ? { ...options, conditions: ['import', 'default'] } : options);
};
