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
