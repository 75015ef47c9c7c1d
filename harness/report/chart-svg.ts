/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node, at build time: vega-lite
 * compiles it, a headless vega `View` (renderer 'none') draws it, `toSVG()` returns the markup.
 * No network: specs carry their data inline. vega and vega-lite are loaded lazily, on the
 * first render, so commands that never render HTML do not pay for them.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * Returns the SVG markup for `spec`. Every `id` in the SVG (vega numbers clip paths and
 * gradients from 1 in each render) gets `idPrefix` so several SVGs can share one HTML page.
 * Vega's warnings are discarded (nothing is printed); errors are thrown as
 * "failed to render chart <idPrefix>" with the cause chained. The view is finalized here.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  try {
    const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
    const quiet = vega.logger(vega.None);
    const compiled = vl.compile(spec, { logger: quiet }).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
    try {
      return prefixIds(await view.toSVG(), idPrefix);
    } finally {
      view.finalize();
    }
  } catch (error) {
    throw new Error(`failed to render chart ${idPrefix}: ${(error as Error).message}`, { cause: error });
  }
}

/** Prefixes every `id="x"` and its references (`url(#x)`, `href="#x"`) with `prefix-`. Pure. */
export function prefixIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  const rename = (id: string) => (ids.has(id) ? `${prefix}-${id}` : id);
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_, head: string, id: string) => `${head}${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${rename(id)})`)
    .replace(/(href=")#([^"]+)"/g, (_, head: string, id: string) => `${head}#${rename(id)}"`);
}
