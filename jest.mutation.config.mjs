// The unit project of jest.config.js on its own, for Stryker (`npm run test:mutation`, docs/testing.md): Stryker's
// jest runner wants one flat config, and the other projects' global setup would start servers for every mutant.
import jestConfig from './jest.config.js';

const { projects, ...root } = jestConfig;
const { displayName: _displayName, ...unit } = projects.find((project) => project.displayName === 'unit');

/** @type {import('jest').Config} */
export default { ...root, ...unit };
