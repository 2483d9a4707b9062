import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AuditRow } from '../../db/audit';
import type { AccountListing } from '../../temporal/account-client';
import type { AccountView } from '../../workflows/account-view';
import type { Problem } from '../problem';
import type { ConsoleSession } from './session';

// The console's pages, server-rendered. `html` escapes every interpolated value; nothing here builds markup from
// strings by hand. No scripts at all: the CSP forbids them, and forms post to the console itself.

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A time as staff read it: `2026-12-13 09:00 UTC`. */
export const readableTime = (iso: string | undefined): string =>
  iso === undefined ? '—' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

function layout(title: string, session: ConsoleSession | undefined, body: Markup): Markup {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title} · Lethe support console</title>
        <link rel="stylesheet" href="/console/console.css" />
      </head>
      <body>
        <header>
          <a class="brand" href="/console">Lethe · support console</a>
          ${
            session
              ? html`<form method="post" action="/console/sign-out" class="inline">
                  <span class="who">Signed in as <strong>${session.staff.name}</strong> (${session.staff.kind})</span>
                  ${csrfField(session)}
                  <button type="submit" class="link">Sign out</button>
                </form>`
              : ''
          }
        </header>
        <main>${body}</main>
      </body>
    </html>`;
}

const csrfField = (session: ConsoleSession) => html`<input type="hidden" name="csrf" value="${session.csrfToken}" />`;

function banner(problem: Pick<Problem, 'title' | 'detail' | 'status'> | undefined, notice?: string): Markup {
  if (problem) {
    return html`<div class="banner refused" role="alert">
      <strong>${problem.title}</strong>${problem.detail ? html`<p>${problem.detail}</p>` : ''}
    </div>`;
  }
  return notice ? html`<div class="banner done" role="status">${notice}</div>` : html``;
}

export function signInPage(problem?: Pick<Problem, 'title' | 'detail' | 'status'>): Markup {
  return layout(
    'Sign in',
    undefined,
    html`<h1>Sign in</h1>
      ${banner(problem)}
      <form method="post" action="/console/sign-in" class="card">
        <label for="token">Staff token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required maxlength="512" />
        <p class="hint">
          Your personal token from SUPPORT_TOKENS or OPERATOR_TOKENS. Everything you do is recorded under your name.
        </p>
        <button type="submit">Sign in</button>
      </form>`,
  );
}

export function searchPage(
  session: ConsoleSession,
  search?: { query: string; accounts: (AccountListing & { subdomain?: string })[] },
  problem?: Pick<Problem, 'title' | 'detail' | 'status'>,
): Markup {
  return layout(
    'Find an account',
    session,
    html`<h1>Find an account</h1>
      ${banner(problem)}
      <form method="post" action="/console/search" class="card search">
        ${csrfField(session)}
        <label for="query">Subdomain or owner email</label>
        <input id="query" name="query" required maxlength="254" value="${search?.query ?? ''}" autofocus />
        <button type="submit">Search</button>
        <p class="hint">An email look-up is recorded in the audit trail of each account it finds.</p>
      </form>
      ${
        search === undefined
          ? ''
          : search.accounts.length === 0
            ? html`<p class="empty">No account matches.</p>`
            : html`<table class="results">
                <thead>
                  <tr>
                    <th>Subdomain</th>
                    <th>State</th>
                    <th>Plan</th>
                    <th>Next transition</th>
                  </tr>
                </thead>
                <tbody>
                  ${search.accounts.map(
                    (a) =>
                      html`<tr>
                        <td><a href="/console/accounts/${a.accountId}">${a.subdomain ?? a.accountId}</a></td>
                        <td><span class="state ${a.state ?? ''}">${a.state ?? 'unknown'}</span></td>
                        <td>${a.plan ?? '—'}</td>
                        <td>${readableTime(a.nextTransitionAt)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
      }`,
  );
}

export interface AccountPageData {
  subdomain: string;
  view: AccountView;
  audit: AuditRow[];
  temporalLink: string | undefined;
  notice?: string;
  problem?: Pick<Problem, 'title' | 'detail' | 'status'>;
}

const DEADLINE_LABELS: Record<keyof AccountView['deadlines'], string> = {
  trialEndsAt: 'Trial ends',
  graceEndsAt: 'Payment grace ends',
  removalAt: 'Removal',
  deletionAt: 'Deletion',
  purgeAt: 'Backup purged',
};

export function accountPage(session: ConsoleSession, data: AccountPageData): Markup {
  const { view, subdomain } = data;
  const deadlines = (Object.entries(view.deadlines) as [keyof AccountView['deadlines'], string][]).filter(
    ([, at]) => at !== undefined,
  );
  const action = `/console/accounts/${view.id}`;
  return layout(
    subdomain,
    session,
    html`<p><a href="/console">← Find another account</a></p>
      <h1>${subdomain} <span class="state ${view.state}">${view.state}</span></h1>
      ${banner(data.problem, data.notice)}
      <section class="facts card">
        <dl>
          <dt>Account id</dt>
          <dd><code>${view.id}</code></dd>
          <dt>Plan</dt>
          <dd>${view.plan}</dd>
          <dt>In this state since</dt>
          <dd>${readableTime(view.stateSince)}</dd>
          ${
            view.suspendedReason
              ? html`<dt>Suspended because</dt>
                  <dd>${view.suspendedReason}</dd>`
              : ''
          }
          ${deadlines.map(
            ([name, at]) =>
              html`<dt>${DEADLINE_LABELS[name]}</dt>
                <dd>${readableTime(at)}</dd>`,
          )}
        </dl>
        ${
          data.temporalLink
            ? html`<p>
                <a href="${data.temporalLink}" rel="noopener noreferrer" target="_blank"
                  >Open its workflow in the Temporal UI</a
                >
              </p>`
            : ''
        }
      </section>

      <section class="actions">
        <form method="post" action="${action}/reactivate" class="card">
          <h2>Reactivate at the owner’s request</h2>
          ${csrfField(session)} ${channelFields('reactivate')}
          <button type="submit">Reactivate</button>
        </form>
        <form method="post" action="${action}/deletion" class="card danger">
          <h2>Delete at the owner’s request</h2>
          ${csrfField(session)} ${channelFields('delete')}
          <label for="delete-confirm">Type the subdomain to confirm</label>
          <input id="delete-confirm" name="confirm" required maxlength="63" autocomplete="off" />
          <button type="submit" class="danger">Delete this account</button>
        </form>
      </section>

      <section>
        <h2>Transitions</h2>
        ${
          view.transitions.length === 0
            ? html`<p class="empty">None yet.</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>From</th>
                    <th>To</th>
                    <th>Why</th>
                  </tr>
                </thead>
                <tbody>
                  ${[...view.transitions].reverse().map(
                    (t) =>
                      html`<tr>
                        <td>${readableTime(t.at)}</td>
                        <td>${t.from}</td>
                        <td>${t.to}</td>
                        <td>${t.cause}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>

      <section>
        <h2>Audit trail <small>(newest ${data.audit.length}; your reading is recorded in it)</small></h2>
        <table class="audit">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Reference</th>
            </tr>
          </thead>
          <tbody>
            ${data.audit.map(
              (e) =>
                html`<tr>
                  <td>${readableTime(e.at)}</td>
                  <td>${e.actor}</td>
                  <td>${e.action}</td>
                  <td>${e.reference ?? ''}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>`,
  );
}

function channelFields(prefix: string): Markup {
  return html`<label for="${prefix}-channel">The owner asked by</label>
    <select id="${prefix}-channel" name="channel">
      <option value="email">email</option>
      <option value="chat">chat</option>
    </select>
    <label for="${prefix}-reference">Ticket or chat reference</label>
    <input
      id="${prefix}-reference"
      name="reference"
      required
      maxlength="100"
      pattern="[A-Za-z0-9#:._\\-]{1,100}"
      placeholder="TICKET-1042"
    />`;
}

export function errorPage(session: ConsoleSession | undefined, problem: Pick<Problem, 'title' | 'detail' | 'status'>) {
  return layout(
    problem.title,
    session,
    html`<h1>${problem.title}</h1>
      ${problem.detail ? html`<p>${problem.detail}</p>` : ''}
      <p><a href="/console">Back to the console</a></p>`,
  );
}
