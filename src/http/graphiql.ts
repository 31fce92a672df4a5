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

/**
 * The GraphiQL page. The token is asked for on first load and kept in sessionStorage with the rest
 * of GraphiQL's state (tabs, headers): it survives reloads and ends with the browser session — never
 * localStorage, never the URL (the rule the console follows, reliability promise 32). A change of the
 * Authorization header makes a new fetcher, which makes GraphiQL introspect again, so the Docs pane
 * recovers without a manual re-fetch.
 */
export function graphiqlPage(endpoint: string): string {
  return `<!doctype html>
<html lang="es">
<head>
  <meta charset="utf-8" />
  <title>juntos-hub · GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.min.css" />
  <style>
    html, body, #graphiql { height: 100%; margin: 0; }
    .jh-token { font-family: system-ui, sans-serif; max-width: 34rem; margin: 12vh auto; padding: 2rem; border: 1px solid #ccc; border-radius: 8px; }
    .jh-token input { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; margin: .5rem 0 1rem; }
    .jh-token button { font: inherit; padding: .5rem 1rem; }
    .jh-token p { color: #444; }
  </style>
</head>
<body>
  <div id="graphiql">…</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script>
    (function () {
      var h = React.createElement;
      var TOKEN_KEY = 'juntos-hub:graphiql:token';
      var en = (navigator.language || '').toLowerCase().indexOf('en') === 0;
      var t = en
        ? { title: 'juntos-hub GraphQL API', label: 'API token', help: 'Paste the token of an API client (juntos-hub clients create, or the demo token printed by serve --demo). It is kept only for this browser session and sent as "Authorization: Bearer <token>".', go: 'Open GraphiQL' }
        : { title: 'API GraphQL de juntos-hub', label: 'Token de acceso', help: 'Pegue el token de un cliente de la API (juntos-hub clients create, o el token de demostración que imprime serve --demo). Se guarda solo durante esta sesión del navegador y se envía como "Authorization: Bearer <token>".', go: 'Abrir GraphiQL' };
      // The page once read a token from localStorage: never keep one there.
      try { localStorage.removeItem('juntos-hub-token'); } catch (e) {}

      function bearerOf(headersText) {
        try {
          var parsed = JSON.parse(headersText || '{}');
          for (var k in parsed) if (k.toLowerCase() === 'authorization') return String(parsed[k]).replace(/^Bearer\\s+/i, '').trim();
        } catch (e) {}
        return '';
      }

      function TokenForm(props) {
        var ref = React.useRef(null);
        return h('form', { className: 'jh-token', onSubmit: function (e) { e.preventDefault(); var v = ref.current.value.trim(); if (v) props.onToken(v); } },
          h('h1', null, t.title),
          h('label', { htmlFor: 'jh-token-input' }, t.label),
          h('input', { id: 'jh-token-input', ref: ref, type: 'password', autoComplete: 'off', autoFocus: true, placeholder: 'jh_…' }),
          h('p', null, t.help),
          h('button', { type: 'submit' }, t.go));
      }

      function App() {
        var state = React.useState(sessionStorage.getItem(TOKEN_KEY) || '');
        var token = state[0], setToken = state[1];
        // A new fetcher per token: GraphiQL introspects again whenever its fetcher changes.
        var fetcher = React.useMemo(function () { return GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} }); }, [token]);
        var timer = React.useRef(null);
        if (!token) {
          return h(TokenForm, { onToken: function (v) {
            sessionStorage.setItem(TOKEN_KEY, v);
            sessionStorage.setItem('graphiql:headers', JSON.stringify({ Authorization: 'Bearer ' + v }, null, 2));
            setToken(v);
          } });
        }
        return h(GraphiQL, {
          fetcher: fetcher,
          storage: sessionStorage,
          shouldPersistHeaders: true,
          defaultHeaders: JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2),
          defaultEditorToolsVisibility: 'headers',
          onEditHeaders: function (text) {
            clearTimeout(timer.current);
            timer.current = setTimeout(function () {
              var next = bearerOf(text);
              if (next && next !== token) { sessionStorage.setItem(TOKEN_KEY, next); setToken(next); }
            }, 400);
          },
          defaultQuery: '# juntos-hub GraphQL API\\n{\\n  persons(first: 5) {\\n    totalCount\\n    edges { node { id fullName birthDate municipality { name } } }\\n    pageInfo { hasNextPage endCursor }\\n  }\\n}\\n',
        });
      }

      ReactDOM.createRoot(document.getElementById('graphiql')).render(h(App));
    })();
  </script>
</body>
</html>`;
}
