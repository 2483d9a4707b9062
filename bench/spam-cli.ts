// Runs the spam filter benchmark alone and prints its result as JSON: `npm run -s build && node dist/bench/spam-cli.js`.
// Needs no servers (unlike `npm run bench`): the corpus comes from node_modules, the model from data/.
import { benchSpam } from './spam';

benchSpam().then(
  (result) => console.log(JSON.stringify(result, null, 2)),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
