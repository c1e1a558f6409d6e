// A small typed builder for HTML and SVG markup: attribute values and text are always escaped, so
// journal values (event types, reasons, ids) can never break out of the page.

/** Markup that is already escaped. Build it with `el`, `raw` or `join`. */
export interface Markup {
  readonly html: string;
}

type AttrValue = string | number | boolean | null | undefined;
type Child = Markup | string | number | null | undefined | false | readonly Child[];

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML or SVG text node or a quoted attribute value. */
export function escapeText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Marks a trusted string (written in this code, never from data) as markup. */
export function raw(html: string): Markup {
  return { html };
}

function render(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (Array.isArray(child)) return child.map(render).join('');
  if (typeof child === 'object') return (child as Markup).html;
  return escapeText(String(child));
}

/** Joins children into one piece of markup. */
export function join(...children: Child[]): Markup {
  return { html: children.map(render).join('') };
}

const number = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ''));

/**
 * An element: `el('circle', { cx: 3, cy: 4, r: 2, class: 'point' }, el('title', {}, '17'))`.
 * `false`, `null` and `undefined` attributes are left out; `true` writes a bare attribute.
 */
export function el(name: string, attrs: Readonly<Record<string, AttrValue>> = {}, ...children: Child[]): Markup {
  let open = `<${name}`;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (value === true) open += ` ${key}`;
    else open += ` ${key}="${escapeText(typeof value === 'number' ? number(value) : value)}"`;
  }
  const VOID = ['meta', 'br', 'hr', 'img', 'link', 'input'];
  if (VOID.includes(name)) return { html: `${open}>` };
  return { html: `${open}>${children.map(render).join('')}</${name}>` };
}
