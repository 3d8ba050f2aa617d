// The templating escapes by default, and /mail's linkify makes links of http(s) URLs only.
import { renderToString } from 'preact-render-to-string';
import { html, renderDocument, type VNode } from '../../src/http/pages/html.js';
import { linkify } from '../../src/http/pages/mail.js';

const render = (node: VNode): string => renderToString(node);

test('text and attribute values are escaped', () => {
  const evil = '<script>alert(1)</script>';
  const out = render(html`<p title=${`"><img src=x onerror=alert(2)>`}>${evil}</p>` as VNode);
  expect(out).not.toContain('<script>');
  expect(out).not.toContain('<img');
  expect(out).toContain('&lt;script>alert(1)&lt;/script>');
  expect(renderDocument(html`<html lang="en"></html>` as VNode)).toBe('<!doctype html><html lang="en"></html>');
});

test('linkify links http(s) URLs, leaves sentence punctuation and other schemes as text', () => {
  const text =
    'Activate: https://host.example/portal/activate?token=a.b-c_d. Or javascript:alert(1) and <b>bold</b> (see http://x.example/a).';
  const out = render(html`<pre>${linkify(text)}</pre>` as VNode);
  expect(out).toContain(
    '<a href="https://host.example/portal/activate?token=a.b-c_d">https://host.example/portal/activate?token=a.b-c_d</a>. Or',
  );
  expect(out).toContain('<a href="http://x.example/a">http://x.example/a</a>).');
  expect(out).not.toContain('href="javascript');
  expect(out).toContain('&lt;b>bold&lt;/b>');
  expect(render(html`<pre>${linkify('no links here')}</pre>` as VNode)).toBe('<pre>no links here</pre>');
});
