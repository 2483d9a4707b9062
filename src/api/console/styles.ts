/** The console's one stylesheet, served from /console/console.css (the CSP allows styles from 'self' only). */
export const CONSOLE_CSS = `
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dee8; --bg: #f6f7fa; --accent: #2f5bd3; --danger: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; justify-content: space-between; align-items: center; padding: .7rem 1.5rem; background: #1d2330; color: #fff; }
header a.brand { color: #fff; font-weight: 600; text-decoration: none; }
header .who { margin-right: .6rem; color: #cfd6e4; }
main { max-width: 1000px; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .6rem; }
h2 small { font-weight: normal; color: var(--muted); font-size: .85rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin-bottom: 1rem; }
.card h2 { margin-top: 0; }
label { display: block; font-weight: 600; margin: .6rem 0 .25rem; }
input, select { font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; width: 100%; max-width: 28rem; }
button { font: inherit; margin-top: .8rem; padding: .45rem 1rem; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
button.danger { background: var(--danger); }
button.link { background: none; color: #cfd6e4; margin: 0; padding: 0; text-decoration: underline; }
form.inline { display: flex; align-items: center; }
.search input { display: inline-block; }
.hint, .empty { color: var(--muted); font-size: .9rem; }
.actions { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.card.danger { border-color: #f0c5c2; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
th, td { text-align: left; padding: .45rem .7rem; border-bottom: 1px solid var(--line); font-size: .92rem; }
th { background: #eef1f6; font-weight: 600; }
dl { display: grid; grid-template-columns: 12rem 1fr; gap: .3rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.state { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .85rem; font-weight: 600; background: #e7eaf0; vertical-align: middle; }
.state.active, .state.trial { background: #dcf3e3; color: #1b6b35; }
.state.past_due { background: #fff1d6; color: #7a5300; }
.state.suspended, .state.removed { background: #fde2e0; color: #8c1d18; }
.state.deleted, .state.purged { background: #e1e1e1; color: #444; }
.banner { border-radius: 8px; padding: .7rem 1rem; margin-bottom: 1rem; }
.banner p { margin: .2rem 0 0; }
.banner.refused { background: #fde2e0; border: 1px solid #f0b4af; }
.banner.done { background: #dcf3e3; border: 1px solid #a9dbb8; }
`;
