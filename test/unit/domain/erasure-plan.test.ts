import { ERASURE_KINDS, erasurePlan } from '../../../src/domain/erasure-plan';
import { STEP_SQL } from '../../../src/activities/erasure-steps';

describe('erasurePlan', () => {
  it.each(ERASURE_KINDS)('gives %s steps that all have SQL, each once', (kind) => {
    const plan = erasurePlan(kind);
    expect(new Set(plan).size).toBe(plan.length);
    for (const step of plan) expect(STEP_SQL[step]).toBeDefined();
  });

  it('erases what the chat form recorded under the person’s address before the person, and pending sign-ups with the registration', () => {
    const erasure = erasurePlan('erasure');
    expect(erasure.indexOf('alias_contacts')).toBeLessThan(erasure.indexOf('contact'));
    expect(erasure.indexOf('alias_attachments')).toBeLessThan(erasure.indexOf('alias_messages'));
    expect(erasure.indexOf('alias_messages')).toBeLessThan(erasure.indexOf('alias_tickets'));
    expect(erasure.indexOf('alias_tickets')).toBeLessThan(erasure.indexOf('alias_contacts'));
    expect(erasurePlan('registration')).toEqual(
      expect.arrayContaining(['contact_pending_signups', 'contact_pending_mail']),
    );
    expect(erasurePlan('registration')).not.toContain('alias_contacts');
  });

  it('keeps the plans of workflows started before issue 9 for their replay', () => {
    expect(erasurePlan('erasure', { legacy: true })).toEqual([
      'contact_attachments',
      'contact_messages',
      'contact_tickets',
      'contact_saved_searches',
      'contact_oauth_tokens',
      'contact_portal_sessions',
      'contact_identities',
      'contact_consents',
      'contact',
    ]);
    expect(erasurePlan('ticket', { legacy: true })).toEqual(erasurePlan('ticket'));
  });
});

describe('erasurePlan, step by step', () => {
  it('detaches an agent’s messages first and deletes the agent last, after everything that points to it', () => {
    expect(erasurePlan('agent')).toEqual([
      'agent_messages_detached',
      'agent_sessions',
      'agent_api_tokens',
      'agent_recovery_codes',
      'agent_saved_searches',
      'agent',
    ]);
  });

  it('deletes a ticket’s attachments, then its messages, then the ticket', () => {
    expect(erasurePlan('ticket')).toEqual(['ticket_attachments', 'ticket_messages', 'ticket']);
  });

  it.each(ERASURE_KINDS)('ends the %s plan with the row the subject is', (kind) => {
    const subject = { agent: 'agent', registration: 'contact', erasure: 'contact', ticket: 'ticket' }[kind];
    expect(erasurePlan(kind).at(-1)).toBe(subject);
    expect(erasurePlan(kind, { legacy: true }).at(-1)).toBe(subject);
  });
});
