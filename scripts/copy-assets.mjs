// Copies non-TypeScript files the compiled code reads at run time (SQL migrations) into dist/.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/src/db/migrations', { recursive: true, force: true });
cpSync('src/db/migrations', 'dist/src/db/migrations', { recursive: true });
