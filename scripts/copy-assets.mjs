// Copies non-TypeScript files the compiled code reads at run time into dist/: the SQL migrations, and the spam
// filter's cold-start model (data/, found relative to dist/src/domain/spam/base-model.js).
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/src/db/migrations', { recursive: true, force: true });
cpSync('src/db/migrations', 'dist/src/db/migrations', { recursive: true });
cpSync('data/spam-base-model.json', 'dist/data/spam-base-model.json');
