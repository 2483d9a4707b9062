import { decide, nextTransitionAt, startLifecycle } from '../../../src/domain/account-lifecycle';
import { currentDetails, startSummary, wakeSummary } from '../../../src/workflows/account-story';
import { testConfig } from '../../helpers/config';

const policy = testConfig().lifecycle;
const DAY = 86_400_000;

describe('the lifecycle as the Temporal Web UI tells it', () => {
  it('labels the timer a new account sleeps on: the trial reminder, then the trial’s end', () => {
    const start = startLifecycle(0, policy);
    expect(startSummary(start)).toBe('account · trial · paid=false');
    expect(wakeSummary(start)).toBe('reminder: trial ending');
    expect(wakeSummary({ ...start, reminders: [] })).toBe('trial ends');
  });

  it('labels each state’s deadline by what it leads to, and nothing when nothing is scheduled', () => {
    const start = { ...startLifecycle(0, policy), reminders: [] };
    const at = (state: 'past_due' | 'suspended' | 'removed' | 'deleted', field: string) =>
      wakeSummary({ ...start, state, deadlines: { [field]: 5 * DAY } });
    expect(at('past_due', 'graceEndsAt')).toBe('grace ends');
    expect(at('suspended', 'removalAt')).toBe('removal');
    expect(at('removed', 'deletionAt')).toBe('deletion');
    expect(at('deleted', 'purgeAt')).toBe('purge backup');
    expect(wakeSummary({ ...start, state: 'active', deadlines: {} })).toBeUndefined();
  });

  it('details the state, plan, next deadline and last transition in Markdown', () => {
    const start = startLifecycle(0, policy);
    expect(currentDetails(start)).toBe(
      `**state** trial · **plan** trial\n\n**next** trial ends at ${new Date(nextTransitionAt(start) as number).toISOString()}\n\n**since** signup`,
    );
    const paid = decide(start, { type: 'payment_succeeded', eventId: 'e', at: DAY }, policy);
    if (!paid.ok) throw new Error('refused');
    expect(currentDetails(paid.lifecycle)).toBe(
      '**state** active · **plan** paid\n\n**next** nothing scheduled\n\n**since** trial → active (payment_succeeded) at 1970-01-02T00:00:00.000Z',
    );
  });
});
