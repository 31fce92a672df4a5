import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);

// The UMD builds are not in the packages' `exports`, so locate them from each package's main file.
function packageFile(pkg: string, file: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, file);
}

/**
 * GraphiQL served by the hub itself from npm packages (agency networks are often closed, so no
 * CDN). Development only by default (GRAPHIQL=true to enable elsewhere).
 */
export function graphiqlAssets(): Router {
  const router = express.Router();
  const files: Record<string, string> = {
    'graphiql.min.js': packageFile('graphiql', 'graphiql.min.js'),
    'graphiql.min.css': packageFile('graphiql', 'graphiql.min.css'),
    'react.production.min.js': packageFile('react', 'umd/react.production.min.js'),
    'react-dom.production.min.js': packageFile('react-dom', 'umd/react-dom.production.min.js'),
  };
  for (const [name, path] of Object.entries(files)) {
    router.get(`/${name}`, (_req, res) => res.sendFile(path, { maxAge: '1d' }));
  }
  return router;
}

export function graphiqlPage(endpoint: string): string {
  return `<!doctype html>
<html lang="es">
<head>
  <meta charset="utf-8" />
  <title>juntos-hub · GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.min.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script>
    const token = localStorage.getItem('juntos-hub-token');
    const fetcher = GraphiQL.createFetcher({
      url: ${JSON.stringify(endpoint)},
      headers: token ? { Authorization: 'Bearer ' + token } : {},
    });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultEditorToolsVisibility: true,
        defaultQuery: '# juntos-hub GraphQL API\\n{\\n  persons(first: 5) {\\n    edges { node { id fullName birthDate municipality { name } } }\\n    pageInfo { hasNextPage endCursor }\\n  }\\n}\\n',
      }),
    );
  </script>
</body>
</html>`;
}
