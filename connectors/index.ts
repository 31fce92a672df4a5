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
import type { Connector, NormalizedRecord } from './types';
import type { PersonSourceName, SourceName, TableSourceName } from '../src/kernel';
import { createSisbenConnector } from './sisben';
import { createBduaConnector } from './bdua';
import { createRuafConnector } from './ruaf';
import { createRuvConnector } from './ruv';
import { createSisbenHogaresConnector, type SisbenHogarRecord } from './sisben-hogares';
import { createOfertaConnector, type OfferRecord } from './oferta';

/** Person sources: one person per record (NormalizedRecord), reconciled into the registry. */
export const CONNECTORS: Readonly<Record<PersonSourceName, Connector>> = {
  sisben: createSisbenConnector(),
  bdua: createBduaConnector(),
  ruaf: createRuafConnector(),
  ruv: createRuvConnector(),
};

/** The record type of each table source (src/kernel/sources.ts). */
export interface TableRecords {
  sisben_hogares: SisbenHogarRecord;
  oferta: OfferRecord;
}

/** Table sources: records that are not persons, imported into typed tables of their own. */
export const TABLE_CONNECTORS: { readonly [S in TableSourceName]: Connector<TableRecords[S]> } = {
  sisben_hogares: createSisbenHogaresConnector(),
  oferta: createOfertaConnector(),
};

const ALL: Readonly<Record<SourceName, Connector<unknown>>> = { ...CONNECTORS, ...TABLE_CONNECTORS };

export function getConnector(source: PersonSourceName): Connector;
export function getConnector<S extends TableSourceName>(source: S): Connector<TableRecords[S]>;
export function getConnector(source: SourceName): Connector<NormalizedRecord | TableRecords[TableSourceName]>;
export function getConnector(source: SourceName): Connector<unknown> {
  const c = ALL[source];
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
  for (const c of Object.values(ALL)) {
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
export { createSisbenHogaresConnector, SISBEN_HOGARES_LAYOUT, type SisbenHogarRecord } from './sisben-hogares';
export { createOfertaConnector, OFERTA_LAYOUT, parseLogros, parsePlaces, type OfferRecord } from './oferta';
