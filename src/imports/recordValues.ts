/**
 * A source record's normalized values, re-derived from its archived line (issue 15): the received
 * file is the provenance of its raw lines, so `source_records` keeps where the line is and its
 * content digest, not a jsonb copy of the values (574 of a 702-byte tuple). The line is read from
 * the verified archive (ARCHIVE_MISSING / ARCHIVE_CORRUPT as for the raw line), parsed with the
 * run's connector exactly as a later byte range of a parallel parse is (the reading the file's
 * head decides, resumed at the record's line), and accepted only when it gives back the record's
 * key and the content digest stored at import — otherwise RECORD_VALUES_CHANGED (the connector or the
 * reference data now read that line otherwise), never other values than the ones imported.
 */
import { decodeChunks, getConnector, type DelimitedReading, type FileEncoding, type NormalizedRecord } from '../../connectors';
import type { ArchiveService, RecordLocation } from '../archive';
import { AppError, type PersonSourceName } from '../kernel';
import { readingOf } from './parallelParse';
import { normalizedValues, recordDigest } from './stageRows';

/** Readings kept per process (a file's head is parsed once for all its records; a dossier reads a handful of files). */
const READINGS_KEPT = 64;

export class RecordValues {
  private readonly readings = new Map<string, Promise<DelimitedReading>>();
  private municipalities?: Promise<ReadonlySet<string>>;

  constructor(
    private readonly archive: ArchiveService,
    private readonly municipalityCodes: () => Promise<ReadonlySet<string>>,
  ) {}

  /** The values `source_records.normalized` held for this record (normalizedValues' shape). */
  async normalized(at: RecordLocation): Promise<Record<string, unknown>> {
    return normalizedValues(await this.record(at));
  }

  /** The connector's record for the archived line, checked against the stored key and digest. */
  async record(at: RecordLocation): Promise<NormalizedRecord> {
    const source = at.source as PersonSourceName;
    const encoding: FileEncoding = at.encoding === 'utf-8' ? 'utf-8' : 'windows-1252';
    // Reference data changes only with a migration (ReferenceService): one set per process, not one per record.
    this.municipalities ??= this.municipalityCodes().catch((e: unknown) => {
      this.municipalities = undefined;
      throw e;
    });
    const base = { fileName: at.fileName, today: at.importedAt.toISOString().slice(0, 10), municipalities: await this.municipalities };
    const reading = await this.readingFor(at.sha256, source, encoding, base);
    const bytes = await this.archive.lineBytes(at);
    const rows = getConnector(source).parse(
      decodeChunks(
        (async function* () {
          yield bytes;
        })(),
        encoding,
        undefined,
        at.offset,
      ),
      { ...base, range: { resume: { reading, line: at.line }, lastLine: at.line } },
    );
    let record: NormalizedRecord | null = null;
    try {
      const first = await rows.next();
      if (!first.done && first.value.ok && first.value.line === at.line) record = first.value.record;
    } finally {
      await rows.return(undefined).catch(() => undefined);
    }
    if (!record || record.sourceKey !== at.sourceKey || recordDigest(record) !== at.contentHash) throw changed();
    return record;
  }

  /** How the run's file is read (layout, delimiter, header), decided on its head once per file. */
  private readingFor(
    sha256: string,
    source: PersonSourceName,
    encoding: FileEncoding,
    base: { fileName: string; today: string; municipalities: ReadonlySet<string> },
  ): Promise<DelimitedReading> {
    const key = `${sha256}\u0000${source}\u0000${base.fileName}`;
    let p = this.readings.get(key);
    if (!p) {
      p = (async () => {
        const reading = await readingOf(await this.archive.fileBytes(sha256), { source, encoding, ...base });
        if (!reading) throw changed();
        return reading;
      })();
      // A failure (a missing file restored later) is not kept.
      p.catch(() => this.readings.delete(key));
      if (this.readings.size >= READINGS_KEPT) this.readings.delete(this.readings.keys().next().value!);
      this.readings.set(key, p);
    }
    return p;
  }
}

const changed = () =>
  new AppError(
    'RECORD_VALUES_CHANGED',
    'The connector no longer reads this record’s archived line as it did when the record was imported (its content digest differs); its normalized values cannot be given back.',
  );
