import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { quietRuntime, workflowBundle } from '../helpers/temporal';

// Histories recorded from real runs of each lifecycle path (regenerate with UPDATE_HISTORY_FIXTURES=1 npm test
// -- --selectProjects workflows). Replaying them with today's workflow code fails if a change is not deterministic:
// such a change needs `patched()` before it can ship, because running accounts would replay the old history.
const FIXTURES = join(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.binpb'));

describe('accountWorkflow replay', () => {
  beforeAll(() => quietRuntime());

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('replays %s deterministically', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(join(FIXTURES, file)));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
