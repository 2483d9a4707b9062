import { formatDeadline, formatDeadlineShort, renderMail } from '../../../src/notifications/mail-templates';
import type { MailKind } from '../../../src/notifications/mail-templates';

const KINDS: MailKind[] = [
  'trial_ending',
  'suspension_pending',
  'suspended',
  'removal_pending',
  'removed',
  'reactivated',
  'deletion_started',
  'deletion_done',
  'portal_verification',
  'portal_already_registered',
];
const AT = Date.parse('2026-12-01T14:00:05Z');

describe('renderMail', () => {
  it('formats a deadline for people and exactly, and short for subjects', () => {
    expect(formatDeadline(AT)).toBe('Tuesday, 1 December 2026 at 14:00 UTC (2026-12-01T14:00:05Z)');
    expect(formatDeadlineShort(AT)).toBe('Tuesday, 1 December 2026 at 14:00 UTC');
    expect(renderMail('trial_ending', { tenantName: 'A', subdomain: 'a', deadlineAt: AT }).subject).toBe(
      'Your trial of A ends on Tuesday, 1 December 2026 at 14:00 UTC',
    );
  });

  it.each(KINDS)('renders %s with the tenant name, in text and HTML', (kind) => {
    const mail = renderMail(kind, { tenantName: 'Acme Help', subdomain: 'acme', deadlineAt: AT, code: '123456' });
    expect(mail.subject).toContain('Acme Help');
    expect(mail.text).toContain('Acme Help');
    expect(mail.html).toContain('Acme Help');
    expect(mail.subject.length).toBeLessThan(120);
  });

  it.each(['trial_ending', 'suspension_pending', 'suspended', 'removal_pending', 'removed', 'deletion_done'] as const)(
    'names the exact deadline in %s',
    (kind) => {
      expect(renderMail(kind, { tenantName: 'A', subdomain: 'a', deadlineAt: AT }).text).toContain(
        '2026-12-01T14:00:05Z',
      );
    },
  );

  it('puts the code only in the verification mail', () => {
    const context = { tenantName: 'A', subdomain: 'a', deadlineAt: AT, code: '987654' };
    expect(renderMail('portal_verification', context).text).toContain('987654');
    expect(renderMail('portal_already_registered', context).text).not.toContain('987654');
  });

  it('escapes the tenant name in HTML and keeps line breaks out of the subject', () => {
    const mail = renderMail('suspended', {
      tenantName: '<b>Evil</b>\r\nBcc: x@y.test',
      subdomain: 'e',
      deadlineAt: AT,
    });
    expect(mail.html).not.toContain('<b>Evil</b>');
    expect(mail.html).toContain('&#60;b&#62;Evil');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('says when nothing is due after a reactivation to active', () => {
    expect(renderMail('reactivated', { tenantName: 'A', subdomain: 'a' }).text).toContain('Nothing is due.');
  });
});

describe('renderMail, what each mail tells', () => {
  const CONTEXT = { tenantName: 'Acme Help', subdomain: 'acme', deadlineAt: AT, code: '123456' };
  const DATE = 'Tuesday, 1 December 2026 at 14:00 UTC (2026-12-01T14:00:05Z)';

  it.each<[MailKind, string[]]>([
    [
      'trial_ending',
      [
        `The trial of Acme Help (acme) ends on ${DATE}.`,
        'Add a payment method before then',
        'After that date the account is suspended',
      ],
    ],
    [
      'suspension_pending',
      [
        `A payment for Acme Help (acme) failed. Everything keeps working until ${DATE}.`,
        'Please update your payment method before then; otherwise the account is suspended',
      ],
    ],
    [
      'suspended',
      [
        'Acme Help (acme) is suspended: nobody can sign in and no data is served. Your data is kept.',
        `its configuration and subdomain are removed on ${DATE}. To reactivate, write to support`,
      ],
    ],
    [
      'removal_pending',
      [
        `Acme Help (acme) is still suspended. On ${DATE} its configuration and subdomain are removed.`,
        'To keep the account, pay or ask support to reactivate it before then.',
      ],
    ],
    [
      'removed',
      [
        'The configuration and subdomain of Acme Help (acme) were removed. Your data is still kept.',
        `On ${DATE} all of its data is deleted. Until then support can still reactivate it.`,
      ],
    ],
    [
      'reactivated',
      [
        'Acme Help (acme) is active again: your team and your customers can sign in.',
        `Next deadline: ${DATE}. Pay before then to avoid another suspension.`,
      ],
    ],
    [
      'deletion_started',
      [
        'The deletion of Acme Help (acme) has started. Nobody can sign in any more.',
        'You will get one more mail when the live data is gone.',
      ],
    ],
    [
      'deletion_done',
      [
        'All live data of Acme Help (acme) has been deleted.',
        `One encrypted, inactive backup is kept until ${DATE}; then its key and the backup are destroyed.`,
      ],
    ],
    [
      'portal_verification',
      [
        'Your code to finish signing up to the Acme Help help portal is 123456.',
        `It works once, until ${DATE}. If you did not ask for it, ignore this mail`,
      ],
    ],
    [
      'portal_already_registered',
      [
        'Someone asked to sign up to the Acme Help help portal with this address, which already has an account there.',
        'If it was you, sign in instead. If not, ignore this mail: nothing was changed.',
      ],
    ],
  ])('says in %s, in text and HTML, what the owner must know', (kind, sentences) => {
    const mail = renderMail(kind, CONTEXT);
    for (const sentence of sentences) {
      expect(mail.text).toContain(sentence);
      expect(mail.html).toContain(sentence.replaceAll("'", '&#39;'));
    }
  });

  it('lays out the text as paragraphs, then a signature after the standard "-- " line', () => {
    expect(renderMail('deletion_started', CONTEXT).text).toBe(
      'The deletion of Acme Help (acme) has started. Nobody can sign in any more.\n\n' +
        'You will get one more mail when the live data is gone.\n\n' +
        '-- \nLethe, for Acme Help\n',
    );
  });

  it('lays out the HTML as the same paragraphs, escaped, and the signature', () => {
    expect(renderMail('deletion_started', { ...CONTEXT, tenantName: 'A&B' }).html).toBe(
      '<!doctype html><html><body style="font-family:sans-serif;max-width:40em">' +
        '<p>The deletion of A&#38;B (acme) has started. Nobody can sign in any more.</p>' +
        '<p>You will get one more mail when the live data is gone.</p>' +
        '<p style="color:#666">Lethe, for A&#38;B</p></body></html>',
    );
  });

  it('says there is no date rather than inventing one', () => {
    const mail = renderMail('suspended', { tenantName: 'A', subdomain: 'a' });
    expect(mail.text).toContain('removed on no date set.');
    expect(mail.subject).toBe('A is suspended');
  });

  it('turns each run of line breaks in a subject into one space', () => {
    expect(renderMail('suspended', { tenantName: 'Evil\r\n\r\nBcc: x@y.test', subdomain: 'e' }).subject).toBe(
      'Evil Bcc: x@y.test is suspended',
    );
  });
});
