#!/usr/bin/env node
// Builds the console bundle (console/dist) when it is missing or older than its inputs. Run by the
// root `prepare` script (so `npm install` / `npm ci` build it), by `serve` before it starts (first
// start after a `git pull`), by the test setup, and by hand as `npm run console:build [-- --force]`.
// The inputs' SHA-256 is written next to the bundle: a build is redone only when an input changed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONSOLE = join(ROOT, 'console');
const DIST = join(CONSOLE, 'dist');
const STAMP = join(DIST, '.inputs-sha256');
const SKIP = new Set(['dist', 'node_modules']);

function inputs() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(CONSOLE);
  out.push(join(ROOT, 'package-lock.json'));
  return out.map((p) => relative(ROOT, p)).sort();
}

/** The SHA-256 of every input file's path and bytes. */
export function inputsDigest() {
  const h = createHash('sha256');
  for (const f of inputs())
    h.update(f)
      .update('\0')
      .update(readFileSync(join(ROOT, f)))
      .update('\0');
  return h.digest('hex');
}

/** `fresh`, or why a build is needed. */
export function buildState() {
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(STAMP)) return { fresh: false, reason: 'no console bundle yet' };
  if (readFileSync(STAMP, 'utf8').trim() !== inputsDigest()) return { fresh: false, reason: 'the console sources changed since the last build' };
  return { fresh: true, reason: 'up to date' };
}

/**
 * Builds when needed. Returns what happened; never throws for a missing Vite (a production install
 * without dev dependencies serves a bundle built beforehand), so an install does not fail on it.
 */
export async function ensureConsoleBuild({ force = false, say = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const state = buildState();
  if (state.fresh && !force) return { built: false, reason: state.reason };
  let vite;
  try {
    vite = await import('vite');
  } catch {
    say(`  console: ${state.reason}, and Vite is not installed (dev dependencies omitted): /console will answer 503`);
    return { built: false, reason: 'vite missing' };
  }
  say(`  console: ${force ? 'building' : `${state.reason}: building`} (console/dist)…`);
  const started = Date.now();
  const digest = inputsDigest();
  await vite.build({ configFile: join(CONSOLE, 'vite.config.ts'), root: CONSOLE, logLevel: 'warn' });
  writeFileSync(STAMP, `${digest}\n`);
  say(`  console: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { built: true, reason: state.reason };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = new Set(process.argv.slice(2));
  if (args.has('--check')) {
    const s = buildState();
    console.log(s.reason);
    process.exit(s.fresh ? 0 : 1);
  }
  ensureConsoleBuild({ force: args.has('--force') }).catch((err) => {
    console.error('  console: build failed');
    console.error(err);
    process.exit(1);
  });
}
