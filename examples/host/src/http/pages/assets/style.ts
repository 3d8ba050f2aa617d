// The one stylesheet, served from /assets/style.css (the CSP allows same-origin styles only, no
// inline ones). Kept in a module so the built host serves it without copying files.
export const STYLE_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #555d66; --line: #d0d7de; --accent: #0b5cad; --bad: #b3261e; --good: #1a7f37; --bg: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; color: var(--ink); background: var(--bg); }
body { margin: 0; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { left: .5rem; top: .5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.site-header { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: center; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--soft); }
.brand { font-weight: 700; text-decoration: none; color: var(--ink); }
.site-header ul { list-style: none; display: flex; gap: 1.25rem; margin: 0; padding: 0; }
.site-header a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
main { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
main:focus { outline: none; }
h1 { font-size: 1.75rem; margin-top: 0; }
h2 { font-size: 1.3rem; margin-top: 2rem; }
.flash { border-left: 4px solid var(--good); background: #eefbf1; padding: .5rem 1rem; }
.error { color: var(--bad); font-weight: 600; margin: .25rem 0; }
p.error[role="alert"]:not(.field .error) { border-left: 4px solid var(--bad); background: #fdf0ef; padding: .5rem 1rem; }
.hint, .optional { color: var(--muted); font-weight: normal; }
.hint { margin: .1rem 0 .25rem; font-size: .95rem; }
.field { margin: 0 0 1rem; }
.field label { display: inline-block; font-weight: 600; margin-bottom: .15rem; }
.field input, .field select { display: block; }
input[type="text"], input[type="email"], input[type="password"], input[type="search"], input[type="tel"], select { width: 100%; max-width: 28rem; padding: .45rem .55rem; border: 1px solid #8c959f; border-radius: 4px; font: inherit; }
input[aria-invalid="true"] { border-color: var(--bad); border-width: 2px; }
fieldset { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 1rem; padding: .5rem 1rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.choice { display: block; margin: .25rem 0; }
button { font: inherit; padding: .45rem 1rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary, .inline.secondary button { background: var(--bg); color: var(--accent); }
form.inline { display: inline-block; margin: 0 .5rem .5rem 0; }
.console-nav { margin-bottom: 1rem; }
.console-nav form.inline { margin-left: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.state-in-sync { color: var(--good); }
.state-failed, .state-blocked, .state-unresolved { color: var(--bad); }
.updating { font-weight: 600; }
pre.mail { white-space: pre-wrap; word-break: break-word; background: var(--soft); padding: 1rem; border: 1px solid var(--line); border-radius: 4px; }
.feedback ul { margin: .25rem 0; padding-left: 1.25rem; }
.feedback .ok { color: var(--good); }
.feedback .bad { color: var(--bad); }
.pager { display: flex; gap: 1rem; }
ul.tiles { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: .75rem; }
a.tile { display: flex; flex-direction: column; align-items: center; justify-content: center; gap: .35rem; min-height: 5.5rem; padding: .75rem; border: 1px solid var(--line); border-radius: 8px; background: var(--soft); text-decoration: none; font-weight: 600; text-align: center; }
a.tile:focus, a.tile:hover { border-color: var(--accent); }
.tile-icon { font-size: 1.6rem; }
ul.directories { padding-left: 1.25rem; }
section.notification-group h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
section.notification-group ul.notifications { margin: 0 0 .5rem; }
`;
