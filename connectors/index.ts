/**
 * The connector registry: one pure connector per source (bytes in → normalized records and row errors
 * out; no database). The import pipeline calls, in order:
 *
 *   const info = await inspectChunks(bytesOf(path));             // sha256, encoding, head lines
 *   const found = detectSource(fileName, info.headLines);       // or the source the operator chose
 *   for await (const row of parseChunks(bytesOf(path), getConnector(found.source), ctx, { encoding: info.encoding })) …
 *
 * Connectors never open files: src/imports/registryFiles.ts does (inspectFile, parseFile, loadLayout).
 */
import type { Connector } from './types';
import type { SourceName } from '../src/kernel';
import { createSisbenConnector } from './sisben';
import { createBduaConnector } from './bdua';
import { createRuafConnector } from './ruaf';
import { createRuvConnector } from './ruv';

export const CONNECTORS: Readonly<Record<SourceName, Connector>> = {
  sisben: createSisbenConnector(),
  bdua: createBduaConnector(),
  ruaf: createRuafConnector(),
  ruv: createRuvConnector(),
};

export function getConnector(source: SourceName): Connector {
  const c = CONNECTORS[source];
  if (!c) throw new Error(`Unknown source: ${String(source)}`);
  return c;
}

/** Below this confidence no source is claimed. */
export const MIN_DETECT_CONFIDENCE = 0.3;

/**
 * Which source a file comes from, from its name and first decoded lines. Content beats name: each
 * connector scores content matches above name-only matches, so a renamed file is still recognized
 * and a misleading name does not win over a recognizable header or layout.
 */
export function detectSource(fileName: string, headLines: readonly string[]): { source: SourceName; confidence: number } | null {
  let best: { source: SourceName; confidence: number } | null = null;
  for (const c of Object.values(CONNECTORS)) {
    const confidence = Math.round(c.detect(fileName, headLines) * 100) / 100;
    if (confidence > (best?.confidence ?? 0)) best = { source: c.source, confidence };
  }
  return best && best.confidence >= MIN_DETECT_CONFIDENCE ? best : null;
}

export * from './types';
export { inspectChunks, decodeChunks, decodeBytes, detectEncoding, READ_CHUNK_BYTES, type FileEncoding, type FileInspection } from './common/decode';
export { parseChunks, parseBytes, parseText, collect, type ParseChunksOptions } from './common/parseFile';
export { parseLayout, type Layout } from './common/layout';
export { createSisbenConnector } from './sisben';
export { createBduaConnector, regimeFromFileName } from './bdua';
export { createRuafConnector, chooseRuafLayout, RUAF_LAYOUTS } from './ruaf';
export { createRuvConnector, eventCode } from './ruv';
