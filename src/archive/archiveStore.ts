/**
 * The archive of received files on disk: every file the hub imports, unchanged, content-addressed by
 * its SHA-256 (`<dir>/<aa>/<bb>/<sha256>`), read-only. A file is copied in through a temporary name
 * in the same directory, hashed while it is copied, flushed to disk and renamed into place only when
 * its hash is the expected one: a crash leaves either the whole file or a temporary to clean up,
 * never a partial file under a hash name.
 *
 * Reads are verified: before a file's bytes are served, its SHA-256 is checked once per process
 * (and again whenever its size, modification time or inode change); `verify` rehashes regardless.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { AppError } from '../kernel';

const SHA = /^[0-9a-f]{64}$/;

/** A typed archive failure: the file is gone (ARCHIVE_MISSING) or its bytes are not the ones received (ARCHIVE_CORRUPT). */
export class ArchiveError extends AppError {
  constructor(
    readonly reason: 'ARCHIVE_MISSING' | 'ARCHIVE_CORRUPT',
    readonly sha256: string,
    message: string,
  ) {
    super(reason, message, { sha256 });
    this.name = 'ArchiveError';
  }
}

interface Verified {
  size: number;
  mtimeMs: number;
  ino: number;
}

export class ArchiveStore {
  private readonly verified = new Map<string, Verified>();
  private readonly hashing = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  /** Where the file with this hash lives. */
  pathOf(sha256: string): string {
    if (!SHA.test(sha256)) throw new Error('invalid sha256');
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return (await stat(this.pathOf(sha256)).catch(() => null))?.isFile() ?? false;
  }

  /**
   * Copies `source` into the archive under `sha256` (a no-op when it is there already). Throws when
   * the copied bytes do not hash to `sha256` (the file changed since it was inspected).
   */
  async put(source: string, sha256: string): Promise<{ stored: boolean; bytes: number }> {
    const target = this.pathOf(sha256);
    const existing = await stat(target).catch(() => null);
    if (existing?.isFile()) return { stored: false, bytes: existing.size };
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const hash = createHash('sha256');
    let bytes = 0;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await pipeline(
        createReadStream(source, { highWaterMark: 1 << 20 }),
        new Writable({
          write(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            bytes += chunk.length;
            fh.write(chunk).then(() => done(), done);
          },
        }),
      );
      await fh.sync();
    } finally {
      await fh.close();
    }
    const got = hash.digest('hex');
    if (got !== sha256) {
      await rm(tmp, { force: true });
      throw new ArchiveError('ARCHIVE_CORRUPT', sha256, 'The file changed while it was being archived (its SHA-256 differs); nothing was archived.');
    }
    await chmod(tmp, 0o444);
    await rename(tmp, target);
    await this.syncDir(dirname(target));
    this.verified.set(sha256, await this.identity(target));
    return { stored: true, bytes };
  }

  private async syncDir(dir: string) {
    const d = await open(dir, 'r').catch(() => null);
    if (!d) return;
    try {
      await d.sync().catch(() => {});
    } finally {
      await d.close();
    }
  }

  private async identity(path: string): Promise<Verified> {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  }

  /** SHA-256 of the archived file as it is now (ARCHIVE_MISSING when absent). */
  async hashOf(sha256: string): Promise<{ sha256: string; bytes: number }> {
    const path = this.pathOf(sha256);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const c of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
        hash.update(c);
        bytes += c.length;
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw this.missing(sha256);
      throw e;
    }
    return { sha256: hash.digest('hex'), bytes };
  }

  private missing(sha256: string) {
    return new ArchiveError('ARCHIVE_MISSING', sha256, 'The archived file this record was read from is missing; restore the archive from its backup.');
  }

  /** Rehashes the file (whatever was verified before); throws ARCHIVE_MISSING or ARCHIVE_CORRUPT. */
  async verify(sha256: string, expectedBytes?: number): Promise<void> {
    const path = this.pathOf(sha256);
    const before = await stat(path).catch(() => null);
    if (!before?.isFile()) throw this.missing(sha256);
    const got = await this.hashOf(sha256);
    if (got.sha256 !== sha256 || (expectedBytes !== undefined && got.bytes !== expectedBytes)) {
      this.verified.delete(sha256);
      throw new ArchiveError(
        'ARCHIVE_CORRUPT',
        sha256,
        'The archived file no longer has the bytes that were received (SHA-256 differs); restore it from its backup.',
      );
    }
    this.verified.set(sha256, { size: before.size, mtimeMs: before.mtimeMs, ino: before.ino });
  }

  /**
   * Verifies the file unless this process already did and it has not changed on disk since. Reads
   * that arrive while it is being hashed wait for that one hash (a page of records of one file
   * would otherwise hash it once per record).
   */
  private async ensureVerified(sha256: string): Promise<void> {
    const known = this.verified.get(sha256);
    const now = await stat(this.pathOf(sha256)).catch(() => null);
    if (!now?.isFile()) throw this.missing(sha256);
    if (known && known.size === now.size && known.mtimeMs === now.mtimeMs && known.ino === now.ino) return;
    let hashing = this.hashing.get(sha256);
    if (!hashing) {
      hashing = this.verify(sha256).finally(() => this.hashing.delete(sha256));
      this.hashing.set(sha256, hashing);
    }
    await hashing;
  }

  /** The whole verified archived file, streamed (a record's values are re-derived with its file's head). */
  async stream(sha256: string, highWaterMark = 64 * 1024): Promise<AsyncIterable<Buffer>> {
    await this.ensureVerified(sha256);
    return createReadStream(this.pathOf(sha256), { highWaterMark }) as AsyncIterable<Buffer>;
  }

  /** Bytes [offset, offset + length) of a verified archived file. */
  async read(sha256: string, offset: number, length: number): Promise<Buffer> {
    await this.ensureVerified(sha256);
    const fh = await open(this.pathOf(sha256), 'r').catch((e) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw this.missing(sha256);
      throw e;
    });
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      if (bytesRead !== length) throw new ArchiveError('ARCHIVE_CORRUPT', sha256, 'The archived file is shorter than the record it holds.');
      return buf;
    } finally {
      await fh.close();
    }
  }

  /** Every file in the archive (hash names), and temporaries an interrupted copy left. */
  async list(): Promise<{ files: string[]; temporaries: string[] }> {
    const files: string[] = [];
    const temporaries: string[] = [];
    const walk = async (dir: string, depth: number) => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory() && depth < 2) await walk(p, depth + 1);
        else if (e.isFile() && depth === 2) {
          if (SHA.test(e.name)) files.push(e.name);
          else if (e.name.endsWith('.tmp')) temporaries.push(p);
        }
      }
    };
    await walk(this.dir, 0);
    return { files: files.sort(), temporaries: temporaries.sort() };
  }

  /** Removes an archived file (gc of files no record references). */
  async remove(sha256: string): Promise<void> {
    const path = this.pathOf(sha256);
    await chmod(path, 0o600).catch(() => {});
    await rm(path, { force: true });
    this.verified.delete(sha256);
  }
}
