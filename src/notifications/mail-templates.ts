import type { BreachMention, SubProcessorMention } from '../db/outbox';
import type { NotificationKind } from '../domain/account-lifecycle';

/**
 * Every mail Lethe sends: the owner's lifecycle notices, the portal's sign-up mails, sub-processor notices, and the
 * answers on the clock of a data subject's request.
 */
export type MailKind =
  | NotificationKind
  | 'portal_verification'
  | 'portal_already_registered'
  | 'sub_processor_planned'
  | 'request_extended'
  | 'request_refused'
  | 'request_due_soon'
  | 'request_overdue'
  | 'breach_notice';

/**
 * What a template may say: the tenant's own name and address and times, and, only in mails to the person concerned,
 * the reason staff gave them.
 */
export interface MailContext {
  tenantName: string;
  subdomain: string;
  /** The next deadline the mail is about (epoch ms), when there is one. */
  deadlineAt?: number | undefined;
  /** A one-time code (portal verification only). */
  code?: string | undefined;
  /** The reason staff gave the person for an extended or refused request (sealed in the outbox until sent). */
  reason?: string | undefined;
  /** The breach (breach notices only): the register's description, no personal data. */
  breach?: BreachMention | undefined;
  /** The planned sub-processor (sub-processor notices only): public registry data. */
  subProcessor?: SubProcessorMention | undefined;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * A deadline as people read it, and exactly: `Tuesday, 1 December 2026 at 14:00 UTC (2026-12-01T14:00:00Z)`. The
 * ISO form keeps the seconds, which matter when periods are short.
 */
export function formatDeadline(at: number): string {
  const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${formatDeadlineShort(at)} (${iso})`;
}

/** The same without the ISO form, for subject lines: `Tuesday, 1 December 2026 at 14:00 UTC`. */
export function formatDeadlineShort(at: number): string {
  return `${DATE.format(at).replace(/, (\d\d:\d\d)$/, ' at $1')} UTC`;
}

interface Template {
  /** `date` here is the short form; the body gives the exact one. */
  subject: (c: Required<Pick<MailContext, 'tenantName'>> & { date: string }) => string;
  /** Paragraphs of plain text; the HTML part is the same paragraphs, escaped. */
  body: (c: MailContext & { date: string }) => string[];
}

const NO_DEADLINE = 'no date set';

const TEMPLATES: Record<MailKind, Template> = {
  trial_ending: {
    subject: (c) => `Your trial of ${c.tenantName} ends on ${c.date}`,
    body: (c) => [
      `The trial of ${c.tenantName} (${c.subdomain}) ends on ${c.date}.`,
      'Add a payment method before then to keep your team and your customers signed in. After that date the account is suspended: nobody can sign in until it is paid for or reactivated.',
    ],
  },
  suspension_pending: {
    subject: (c) => `${c.tenantName} will be suspended on ${c.date}`,
    body: (c) => [
      `A payment for ${c.tenantName} (${c.subdomain}) failed. Everything keeps working until ${c.date}.`,
      'Please update your payment method before then; otherwise the account is suspended and nobody can sign in.',
    ],
  },
  suspended: {
    subject: (c) => `${c.tenantName} is suspended`,
    body: (c) => [
      `${c.tenantName} (${c.subdomain}) is suspended: nobody can sign in and no data is served. Your data is kept.`,
      `Unless the account is paid for or reactivated, its configuration and subdomain are removed on ${c.date}. To reactivate, write to support by chat or email.`,
    ],
  },
  removal_pending: {
    subject: (c) => `${c.tenantName} will be removed on ${c.date}`,
    body: (c) => [
      `${c.tenantName} (${c.subdomain}) is still suspended. On ${c.date} its configuration and subdomain are removed.`,
      'To keep the account, pay or ask support to reactivate it before then.',
    ],
  },
  removed: {
    subject: (c) => `${c.tenantName} was removed`,
    body: (c) => [
      `The configuration and subdomain of ${c.tenantName} (${c.subdomain}) were removed. Your data is still kept.`,
      `On ${c.date} all of its data is deleted. Until then support can still reactivate it.`,
    ],
  },
  reactivated: {
    subject: (c) => `${c.tenantName} is active again`,
    body: (c) => [
      `${c.tenantName} (${c.subdomain}) is active again: your team and your customers can sign in.`,
      c.deadlineAt === undefined
        ? 'Nothing is due.'
        : `Next deadline: ${c.date}. Pay before then to avoid another suspension.`,
    ],
  },
  deletion_started: {
    subject: (c) => `Deleting ${c.tenantName}`,
    body: (c) => [
      `The deletion of ${c.tenantName} (${c.subdomain}) has started. Nobody can sign in any more.`,
      'You will get one more mail when the live data is gone.',
    ],
  },
  deletion_done: {
    subject: (c) => `${c.tenantName} has been deleted`,
    body: (c) => [
      `All live data of ${c.tenantName} (${c.subdomain}) has been deleted.`,
      `One encrypted, inactive backup is kept until ${c.date}; then its key and the backup are destroyed.`,
    ],
  },
  portal_verification: {
    subject: (c) => `Your verification code for ${c.tenantName}`,
    body: (c) => [
      `Your code to finish signing up to the ${c.tenantName} help portal is ${c.code ?? ''}.`,
      `It works once, until ${c.date}. If you did not ask for it, ignore this mail: nothing happens without the code.`,
    ],
  },
  sub_processor_planned: {
    subject: (c) => `A new sub-processor for ${c.tenantName}: objections until ${c.date}`,
    body: (c) => [
      `Lethe plans to engage a new sub-processor for the personal data it processes for ${c.tenantName} (${c.subdomain}): ${c.subProcessor?.name ?? 'see the list'}.`,
      `Purpose: ${c.subProcessor?.purpose ?? '-'}. Location: ${c.subProcessor?.location ?? '-'}. Transfer mechanism: ${c.subProcessor?.transferMechanism ?? '-'}.`,
      `The change takes effect on ${c.date}. Until then the account's owner or an admin may object through the API (POST /v1/sub-processors/${c.subProcessor?.id ?? '<id>'}/objections); every objection is recorded and answered. The list of sub-processors is public at /v1/sub-processors.`,
    ],
  },
  request_extended: {
    subject: (c) => `Your request to ${c.tenantName} will be answered by ${c.date}`,
    body: (c) => [
      `${c.tenantName} received your request about your personal data and needs more time to complete it, as the GDPR allows (Art. 12(3)): it will be answered by ${c.date}.`,
      `The reason: ${c.reason ?? 'not given'}`,
    ],
  },
  breach_notice: {
    subject: (c) => `Personal data breach affecting ${c.tenantName}`,
    body: (c) => [
      `Lethe, which processes personal data for ${c.tenantName} (${c.subdomain}), has become aware of a personal data breach that affects it (GDPR Art. 33(2)). Aware since: ${c.breach?.awareAt ?? '-'}.`,
      `What happened: ${c.breach?.nature ?? '-'}. Data concerned: ${c.breach?.categories.join(', ') ?? '-'}.`,
      `Likely consequences: ${c.breach?.consequences ?? '-'}. Measures taken or proposed: ${c.breach?.measures ?? '-'}.`,
      `Contact point, our data protection officer: ${c.breach?.contactPoint ?? '-'}. As the controller you may have to notify your supervisory authority within 72 hours of becoming aware (Art. 33(1)) and the people affected (Art. 34).`,
    ],
  },
  request_due_soon: {
    subject: (c) => `A data-subject request to ${c.tenantName} is due on ${c.date}`,
    body: (c) => [
      `A request a person made about their data in ${c.tenantName} (${c.subdomain}) is still open and must be answered by ${c.date} (GDPR Art. 12(3)).`,
      'See GET /v1/erasure-requests. If more time is needed, extend it once with a reason (POST /v1/erasure-requests/<id>/extension); the person is told.',
    ],
  },
  request_overdue: {
    subject: (c) => `A data-subject request to ${c.tenantName} is overdue`,
    body: (c) => [
      `A request a person made about their data in ${c.tenantName} (${c.subdomain}) was due on ${c.date} and is still open.`,
      'See GET /v1/erasure-requests?overdue=true.',
    ],
  },
  request_refused: {
    subject: (c) => `Your request to ${c.tenantName} was refused`,
    body: (c) => [
      `${c.tenantName} will not act on your request about your personal data, as the GDPR allows for requests that are manifestly unfounded or excessive (Art. 12(5)).`,
      `The reason: ${c.reason ?? 'not given'}`,
      'You may lodge a complaint with a supervisory authority and seek a judicial remedy (Art. 12(4)).',
    ],
  },
  portal_already_registered: {
    subject: (c) => `Signing up to ${c.tenantName}`,
    body: (c) => [
      `Someone asked to sign up to the ${c.tenantName} help portal with this address, which already has an account there.`,
      'If it was you, sign in instead. If not, ignore this mail: nothing was changed.',
    ],
  },
};

/** Renders one mail: a short English subject, plain text and the same text as minimal HTML. */
export function renderMail(kind: MailKind, context: MailContext): RenderedMail {
  const template = TEMPLATES[kind];
  const date = context.deadlineAt === undefined ? NO_DEADLINE : formatDeadline(context.deadlineAt);
  const shortDate = context.deadlineAt === undefined ? NO_DEADLINE : formatDeadlineShort(context.deadlineAt);
  const paragraphs = template.body({ ...context, date });
  const footer = `Lethe, for ${context.tenantName}`;
  return {
    // Header-safe whatever the tenant called itself: no line breaks in a subject.
    subject: template.subject({ tenantName: context.tenantName, date: shortDate }).replace(/[\r\n]+/g, ' '),
    text: `${paragraphs.join('\n\n')}\n\n-- \n${footer}\n`,
    html:
      `<!doctype html><html><body style="font-family:sans-serif;max-width:40em">` +
      paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
      `<p style="color:#666">${escapeHtml(footer)}</p></body></html>`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
