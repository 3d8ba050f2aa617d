// The templating: htm's tagged templates bound to preact's `h`, rendered on the server by
// preact-render-to-string. Text and attribute values are escaped by the renderer, so no page
// builds HTML from strings; `dangerouslySetInnerHTML` is never used. Components are plain typed
// functions called as `${Component(props)}`, so their props are checked by the compiler.
import * as htmModule from 'htm';
import type { ComponentChildren, VNode } from 'preact';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';

export type { ComponentChildren, VNode } from 'preact';

/** `html\`<p>${text}</p>\`` → a preact VNode (or several). */
// htm's types describe its CommonJS build (`export default` under `module.exports`), but both
// Node's ESM loader (htm.mjs) and jest's CommonJS interop give the function itself as `default`.
const htm = htmModule.default as unknown as typeof htmModule.default.default;

export const html = htm.bind<VNode>(h);

/** A fragment of several nodes (what a component returns when it has more than one root). */
export type Markup = ComponentChildren;

/** The whole document: doctype + the rendered tree. */
export const renderDocument = (page: VNode): string => `<!doctype html>${renderToString(page)}`;
