import { ACCOUNT_STATES, allowedRequests, decide, startLifecycle } from '../../../src/domain/account-lifecycle';
import type { AccountEvent, AccountRequest } from '../../../src/domain/account-lifecycle';
import { testConfig } from '../../helpers/config';

const policy = testConfig().lifecycle;

describe('allowedRequests', () => {
  it('lists what each state allows, as a 409 tells support', () => {
    expect(Object.fromEntries(ACCOUNT_STATES.map((s) => [s, allowedRequests(s)]))).toEqual({
      trial: ['deletion'],
      active: ['deletion'],
      past_due: ['deletion'],
      suspended: ['reactivation', 'deletion'],
      removed: ['reactivation', 'deletion'],
      deleting: [],
      deleted: [],
      purged: [],
    });
  });

  it('says exactly what the state machine accepts, in every state', () => {
    const events: Record<AccountRequest, AccountEvent> = {
      reactivation: { type: 'reactivation_requested', channel: 'email', at: 1_000 },
      deletion: { type: 'deletion_requested', by: 'support', at: 1_000 },
    };
    for (const state of ACCOUNT_STATES) {
      const lifecycle = { ...startLifecycle(0, policy), state };
      for (const request of ['reactivation', 'deletion'] as const) {
        const accepted = decide(lifecycle, events[request], policy).ok;
        expect({ state, request, accepted }).toEqual({
          state,
          request,
          accepted: allowedRequests(state).includes(request),
        });
      }
    }
  });
});
