/** Stylesheets imported for their side effect: esbuild emits them as app.css beside the bundle. */
declare module '*.css';
