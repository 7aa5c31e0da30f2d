import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import routes from '../routes.json';

// The service answers the paths under these first segments with the UI (200) and every other
// unknown path with the UI but a 404, so the list must follow the router.
it('routes.json lists exactly the first path segments of the router', () => {
  const app = readFileSync(join(process.cwd(), 'src', 'App.tsx'), 'utf8');
  const roots = new Set(
    [...app.matchAll(/path="\/?([^/"*:]+)/g)].map((m) => m[1]),
  );
  expect([...roots].sort()).toEqual([...routes].sort());
});
