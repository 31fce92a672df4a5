/**
 * Labelled linkage benchmark: one synthetic population of Colombian households
 * (src/synthetic/population.ts) written as it appears in several registries — Sisbén IV, BDUA, RUV — in their real
 * layouts and encodings (src/synthetic/writers.ts), each appearance with the noise of that registry
 * (noise.ts, domain.md §5.3), plus the truth: which source record belongs to which person.
 *
 * Deterministic by seed and streaming (flat memory at any size): household i and every appearance
 * of its members depend only on (seed, i), so 100,000 or 3,000,000 persons cost the same memory.
 *
 * Library: const m = await generateLinkage({ persons: 100_000, seed: 7, outDir });
 * CLI:     npx tsx src/synthetic/linkage/generate.ts --persons 100000 --out /tmp/linkage [--seed 7]
 *            [--sources sisben,bdua,ruv] [--coverage sisben=0.9,bdua=0.93,ruv=0.9] [--noise 1]
 *
 * Writes one file per source (the connector's file name), `truth.tsv` (source, sourceKey, true
 * person, noise tags of that record) and `manifest.json` (counts per source and per noise tag).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import type { SourceName } from '../../kernel';
import { loadMunicipalities } from '../divipola';
import { FEMALE_GIVEN, FEMALE_SECOND, MALE_GIVEN, MALE_SECOND, drawGivenName } from '../names';
import { DEFAULT_AS_OF, Population, type SyntheticHousehold, type SyntheticPerson } from '../population';
import { Rng, mix } from '../rng';
import { bduaWriter, ruvWriter, sisbenWriter, victimHousehold, type RowWriter } from '../writers';
import {
  birthDateError,
  hasNameVariant,
  mistypeDigit,
  nameVariant,
  particleVariant,
  phoneticRespelling,
  resplitGivenNames,
  transposeDigits,
  typo,
} from './noise';

export type LinkageSource = Extract<SourceName, 'sisben' | 'bdua' | 'ruv'>;
export const LINKAGE_SOURCES: readonly LinkageSource[] = ['sisben', 'bdua', 'ruv'];

/** Probabilities per appearance (the "when applicable" ones apply only to values that allow them). */
export interface NoiseProfile {
  typoGiven: number;
  typoSurname: number;
  phonetic: number;
  /** JHON/JOHN-type spelling, when the name has one. */
  variant: number;
  dropSecondName: number;
  dropSecondSurname: number;
  swapSurnames: number;
  /** Given names split another way, when there are two or more words. */
  resplit: number;
  /** Compound surname with particles typed another way, when there is one. */
  particle: number;
  /** Given names typed in the surname fields and vice versa. */
  fieldsSwap: number;
  dobSwap: number;
  dobDay: number;
  dobYear: number;
  dobDefault: number;
  docTranspose: number;
  docMistype: number;
  /** Adjacent digits transposed together with a given-name typo or swapped surnames (issue 11's hard case). */
  docTransposePlus: number;
  /** Birth date 2–10 days off (typed from another document). */
  dobDays: number;
  /** Record without any document (Sisbén type 0; RUV without type and number, or SR). */
  noDocument: number;
  /** The source still holds the earlier document of the life cycle (TI for a new adult, RC for a new TI holder), same number. */
  evolutionLag: number;
  /** A child under 3 registered with the mother's cédula. */
  sharedDoc: number;
  sexFlip: number;
  /** Ñ lost in an ANSI pipeline (NUÑEZ → NUNEZ). */
  encodingLoss: number;
  /** The person appears a second time in the same source (moved household; two EPS). */
  duplicate: number;
}

/** Rates chosen to resemble each registry (survey-captured Sisbén, RNEC-checked BDUA, declared RUV). */
export const NOISE_PROFILES: Record<LinkageSource, NoiseProfile> = {
  sisben: {
    typoGiven: 0.03,
    typoSurname: 0.03,
    phonetic: 0.03,
    variant: 0.35,
    dropSecondName: 0.08,
    dropSecondSurname: 0.04,
    swapSurnames: 0.01,
    resplit: 0.4,
    particle: 0.5,
    fieldsSwap: 0.002,
    dobSwap: 0.01,
    dobDay: 0.005,
    dobYear: 0.005,
    dobDefault: 0.004,
    docTranspose: 0.006,
    docMistype: 0.004,
    docTransposePlus: 0.002,
    dobDays: 0.003,
    noDocument: 0.02,
    evolutionLag: 0.5,
    sharedDoc: 0,
    sexFlip: 0.002,
    encodingLoss: 0,
    duplicate: 0.004,
  },
  bdua: {
    typoGiven: 0.008,
    typoSurname: 0.008,
    phonetic: 0.008,
    variant: 0.15,
    dropSecondName: 0.05,
    dropSecondSurname: 0.02,
    swapSurnames: 0.003,
    resplit: 0.3,
    particle: 0.3,
    fieldsSwap: 0.001,
    dobSwap: 0.003,
    dobDay: 0.002,
    dobYear: 0.002,
    dobDefault: 0.002,
    docTranspose: 0.002,
    docMistype: 0.001,
    docTransposePlus: 0.001,
    dobDays: 0.001,
    noDocument: 0,
    evolutionLag: 0.25,
    sharedDoc: 0.05,
    sexFlip: 0.001,
    encodingLoss: 0.02,
    duplicate: 0.003,
  },
  ruv: {
    typoGiven: 0.025,
    typoSurname: 0.025,
    phonetic: 0.025,
    variant: 0.3,
    dropSecondName: 0.1,
    dropSecondSurname: 0.05,
    swapSurnames: 0.01,
    resplit: 0.4,
    particle: 0.5,
    fieldsSwap: 0.003,
    dobSwap: 0.01,
    dobDay: 0.006,
    dobYear: 0.008,
    dobDefault: 0.006,
    docTranspose: 0.006,
    docMistype: 0.004,
    docTransposePlus: 0.003,
    dobDays: 0.004,
    /** RUV rows without TIPODOCUMENTO/DOCUMENTO (a third of them `SR` without a number). */
    noDocument: 0.06,
    evolutionLag: 0.6,
    sharedDoc: 0.05,
    sexFlip: 0.003,
    encodingLoss: 0.01,
    duplicate: 0,
  },
};

/** Structural cases of the population (per household or person). */
export interface StructureOptions {
  /** Share of households with children that hold a pair of twins (same birth date and surnames). */
  twins: number;
  /** Share of persons who carry the full name of someone in another town. */
  namesakes: number;
  /**
   * Share of twins whose given names are close rather than unrelated (issue 11): the same first
   * name with another second name (JUAN DAVID / JUAN DIEGO), a compound name against its first word
   * (DANIELA / DANIELA ANDREA), or first names spelled alike (YEISON / YEFERSON), in equal parts.
   */
  twinsSimilarNames: number;
  /** Share of victim households (those RUV registers) whose members hold no document in any register. */
  undocumentedVictimHouseholds: number;
  /** Share of babies (under one year) not yet registered: no document in any register. */
  undocumentedBabies: number;
}
export const DEFAULT_STRUCTURE: StructureOptions = {
  twins: 0.02,
  namesakes: 0.005,
  twinsSimilarNames: 0.6,
  undocumentedVictimHouseholds: 0.04,
  undocumentedBabies: 0.08,
};

export interface LinkageOptions {
  /** Persons in the population (households are added until there are at least this many). */
  persons: number;
  seed?: number;
  asOf?: string;
  outDir: string;
  /** Sources to write (default all three). */
  sources?: readonly LinkageSource[];
  /**
   * Coverage: Sisbén covers households (and most of their members), BDUA persons, RUV the members
   * of victim households (one in five). Defaults: sisben 0.9, bdua 0.93, ruv 0.9.
   */
  coverage?: Partial<Record<LinkageSource, number>>;
  /** Multiplies every noise probability (0 = clean copies). */
  noise?: number;
  structure?: Partial<StructureOptions>;
}

export interface LinkageManifest {
  seed: number;
  asOf: string;
  persons: number;
  households: number;
  files: { source: LinkageSource; path: string; fileName: string; rows: number }[];
  truthPath: string;
  /** Records carrying each noise tag, per source. */
  tags: Record<string, Record<string, number>>;
  options: { coverage: Record<string, number>; noise: number; structure: StructureOptions };
}

// ---------------------------------------------------------------------------------------------

const SALT: Record<LinkageSource, number> = { sisben: 0x515b, bdua: 0xbd0a, ruv: 0x2f1c };
const ageAt = (birth: string, asOf: string) => Number(asOf.slice(0, 4)) - Number(birth.slice(0, 4)) - (asOf.slice(5) < birth.slice(5) ? 1 : 0);

/**
 * The population as the benchmark sees it: household `index` (names with Colombian frequencies), twins added and
 * namesakes applied. Members keep their population serial, which is the true person id.
 */
export class LinkagePopulation {
  private readonly pop: Population;
  readonly structure: StructureOptions;

  constructor(
    readonly seed: number,
    readonly asOf: string,
    structure: Partial<StructureOptions> = {},
  ) {
    this.pop = new Population({ seed, asOf });
    this.structure = { ...DEFAULT_STRUCTURE, ...structure };
  }

  /** The population already draws names with Colombian frequencies (../names.ts). */
  private base(index: number): SyntheticHousehold {
    return this.pop.household(index);
  }

  household(index: number): { household: SyntheticHousehold; tags: Map<number, string[]> } {
    const h = this.base(index);
    const tags = new Map<number, string[]>();
    const tag = (serial: number, t: string) => (tags.get(serial) ?? tags.set(serial, []).get(serial)!).push(t);
    const r = new Rng(mix(this.seed ^ 0x7a11, index));

    // Twins: a child of the household gets a twin (same birth date, surnames, household).
    const children = h.members.filter((m) => m.role === 3);
    if (children.length && r.chance(this.structure.twins)) {
      const sib = r.pick(children);
      const sex: 'M' | 'F' = r.chance(0.5) ? sib.sex : sib.sex === 'M' ? 'F' : 'M';
      let first = drawGivenName(r, sex);
      for (let k = 0; k < 5 && first === sib.firstName; k++) first = drawGivenName(r, sex);
      const order = h.members.length + 1;
      const serial = index * 32 + order;
      // A number of the twin's own, from the population's bijections of the serial (no other person has it).
      const own = (modulus: number, base: number) => String(base + ((serial * 48271 + 12345) % modulus));
      // Half the twins were registered one after the other: consecutive numbers (issue 11).
      const consecutive = sib.docType !== 'PE' && sib.docType !== 'CE' && /^\d{6,}$/.test(sib.docNumber) && r.chance(0.5);
      const docNumber = consecutive
        ? String(Number(sib.docNumber) + 1)
        : sib.docType === 'PE'
          ? own(899_999_999, 100_000_000) + String(r.int(100_000, 999_999))
          : sib.docType === 'CE'
            ? own(8_999_999, 1_000_000)
            : own(99_999_999, sib.docType === 'RC' ? 1_100_000_000 : 1_000_000_000);
      const twin: SyntheticPerson = {
        ...sib,
        id: `H${index}-${order}`,
        serial,
        order,
        sex,
        firstName: first,
        secondName: r.chance(0.5) ? sib.secondName : null,
        docNumber,
      };
      // Close given names (own random stream: the rest of the household is drawn as before).
      const rs = new Rng(mix(this.seed ^ 0x7519, index));
      if (rs.chance(this.structure.twinsSimilarNames)) {
        const seconds = sib.sex === 'F' ? FEMALE_SECOND : MALE_SECOND;
        const style = rs.int(0, 2);
        twin.sex = sib.sex;
        if (style === 0) {
          twin.firstName = sib.firstName;
          twin.secondName = rs.pick(seconds.filter((n) => n !== sib.secondName));
        } else if (style === 1) {
          twin.firstName = sib.firstName;
          twin.secondName = sib.secondName === null ? rs.pick(seconds) : null;
        } else {
          const pool = sib.sex === 'F' ? FEMALE_GIVEN : MALE_GIVEN;
          const alike = pool.filter((n) => n !== sib.firstName && !n.includes(' ') && n.slice(0, 2) === sib.firstName.slice(0, 2));
          // No name spelled alike in the lists: the same first name instead.
          twin.firstName = alike.length ? rs.pick(alike) : sib.firstName;
        }
        if (twin.firstName === sib.firstName && twin.secondName === sib.secondName) twin.secondName = rs.pick(seconds.filter((n) => n !== sib.secondName));
        tag(sib.serial, 'twin-similar-names');
        tag(serial, 'twin-similar-names');
      }
      h.members.push(twin);
      tag(sib.serial, 'twin');
      tag(serial, 'twin');
      if (consecutive) {
        tag(sib.serial, 'twin-consecutive');
        tag(serial, 'twin-consecutive');
      }
    }

    // Namesakes: a person carries the full name of a same-sex person of another household (another town).
    for (let i = 0; i < h.members.length; i++) {
      const p = h.members[i];
      if (index < 50 || !r.chance(this.structure.namesakes)) continue;
      const donorHh = this.base(index - 1 - r.int(0, Math.min(index - 1, 5000)));
      const donor = donorHh.members.find((m) => m.sex === p.sex && m.role !== 3);
      if (!donor || donorHh.municipality === h.municipality) continue;
      // Half of them were born the same year as their namesake (the hard case for blocking).
      const birthDate = r.chance(0.5) ? `${donor.birthDate.slice(0, 4)}${p.birthDate.slice(4)}` : p.birthDate;
      h.members[i] = {
        ...p,
        firstName: donor.firstName,
        secondName: donor.secondName,
        firstSurname: donor.firstSurname,
        secondSurname: donor.secondSurname,
        birthDate: birthDate <= this.asOf ? birthDate : p.birthDate,
      };
      tag(p.serial, 'namesake');
    }

    // Persons without any document (issue 11): whole victim households, and babies not yet
    // registered. They appear in Sisbén and RUV without a number and are not in BDUA.
    const ru = new Rng(mix(this.seed ^ 0x0d0c, index));
    const wholeHousehold = victimHousehold(index) && ru.chance(this.structure.undocumentedVictimHouseholds);
    for (const p of h.members) {
      if (wholeHousehold || (ageAt(p.birthDate, this.asOf) < 1 && ru.chance(this.structure.undocumentedBabies))) tag(p.serial, 'undocumented');
    }
    return { household: h, tags };
  }
}

interface Appearance {
  person: SyntheticPerson;
  household: SyntheticHousehold;
  tags: string[];
  /** Sisbén: no document at all (type 0, empty number). */
  noDocument: boolean;
}

/** One appearance of `p` in a source, with that source's noise (deterministic per person and source). */
export function noisyAppearance(p: SyntheticPerson, h: SyntheticHousehold, profile: NoiseProfile, r: Rng, asOf: string, scale = 1): Appearance {
  const tags: string[] = [];
  const q = { ...p };
  const hit = (prob: number) => prob > 0 && r.chance(Math.min(1, prob * scale));
  const set = (tag: string, apply: () => boolean) => {
    if (apply()) tags.push(tag);
  };

  // Names.
  if (hasNameVariant(q.firstName)) set('variant', () => hit(profile.variant) && !!(q.firstName = nameVariant(q.firstName, r) ?? q.firstName));
  set('resplit', () => {
    if (!hit(profile.resplit)) return false;
    const words = `${q.firstName} ${q.secondName ?? ''}`.trim().split(' ');
    if (words.length < 3 && !(q.secondName ?? '').includes(' ') && !q.firstName.includes(' ')) return false;
    const v = resplitGivenNames(q.firstName, q.secondName, r);
    if (!v) return false;
    q.firstName = v.first;
    q.secondName = v.second;
    return true;
  });
  set('particle', () => {
    if (!hit(profile.particle)) return false;
    const v = particleVariant(q.firstSurname, q.secondSurname, r);
    if (!v) return false;
    q.firstSurname = v.s1;
    q.secondSurname = v.s2;
    return true;
  });
  set('typo-given', () => {
    const v = hit(profile.typoGiven) ? typo(q.firstName, r) : null;
    if (v) q.firstName = v;
    return v !== null;
  });
  set('typo-surname', () => {
    if (!hit(profile.typoSurname)) return false;
    const second = q.secondSurname !== null && r.chance(0.4);
    const v = typo(second ? q.secondSurname! : q.firstSurname, r);
    if (!v) return false;
    if (second) q.secondSurname = v;
    else q.firstSurname = v;
    return true;
  });
  set('phonetic', () => {
    if (!hit(profile.phonetic)) return false;
    const field = r.int(0, 2);
    const value = field === 0 ? q.firstName : field === 1 ? q.firstSurname : q.secondSurname;
    if (!value) return false;
    const v = phoneticRespelling(value, r);
    if (!v) return false;
    if (field === 0) q.firstName = v;
    else if (field === 1) q.firstSurname = v;
    else q.secondSurname = v;
    return true;
  });
  set('encoding-loss', () => {
    if (!hit(profile.encodingLoss)) return false;
    const before = `${q.firstName}${q.firstSurname}${q.secondSurname}`;
    q.firstSurname = q.firstSurname.replace(/Ñ/g, 'N');
    q.secondSurname = q.secondSurname?.replace(/Ñ/g, 'N') ?? null;
    q.firstName = q.firstName.replace(/Ñ/g, 'N');
    return before !== `${q.firstName}${q.firstSurname}${q.secondSurname}`;
  });
  set('no-second-name', () => q.secondName !== null && hit(profile.dropSecondName) && ((q.secondName = null), true));
  set('no-second-surname', () => q.secondSurname !== null && hit(profile.dropSecondSurname) && ((q.secondSurname = null), true));
  set('surname-swap', () => {
    if (q.secondSurname === null || !hit(profile.swapSurnames)) return false;
    [q.firstSurname, q.secondSurname] = [q.secondSurname, q.firstSurname];
    return true;
  });
  set('fields-swap', () => {
    if (!hit(profile.fieldsSwap)) return false;
    [q.firstName, q.secondName, q.firstSurname, q.secondSurname] = [q.firstSurname, q.secondSurname, q.firstName, q.secondName];
    return true;
  });

  // Birth date (one error at most).
  const dobRoll = r.next() / scale;
  const dobKinds: ['swap' | 'day' | 'year' | 'default' | 'days', number][] = [
    ['swap', profile.dobSwap],
    ['day', profile.dobDay],
    ['year', profile.dobYear],
    ['default', profile.dobDefault],
    ['days', profile.dobDays],
  ];
  let acc = 0;
  for (const [kind, prob] of dobKinds) {
    acc += prob;
    if (dobRoll < acc) {
      const v =
        kind === 'days'
          ? new Date(Date.parse(q.birthDate) + (r.chance(0.5) ? 1 : -1) * r.int(2, 10) * 86_400_000).toISOString().slice(0, 10)
          : birthDateError(q.birthDate, kind, r, asOf);
      if (v && v > asOf) break;
      if (v) {
        q.birthDate = v;
        tags.push(`dob-${kind}`);
      }
      break;
    }
  }
  set('sex-flip', () => hit(profile.sexFlip) && !!(q.sex = q.sex === 'M' ? 'F' : 'M'));

  // Documents.
  const age = ageAt(p.birthDate, asOf);
  let noDocument = false;
  if (q.docType === 'CC' && age >= 18 && age < 21 && hit(profile.evolutionLag)) {
    q.docType = 'TI';
    tags.push('doc-evolution');
  } else if (q.docType === 'TI' && age >= 7 && age < 9 && hit(profile.evolutionLag)) {
    q.docType = 'RC';
    tags.push('doc-evolution');
  }
  const mother = h.members.find((m) => m.sex === 'F' && (m.role === 1 || m.role === 2) && m.docType === 'CC' && m.serial !== p.serial);
  if (age < 3 && p.role === 3 && mother && hit(profile.sharedDoc)) {
    q.docType = 'CC';
    q.docNumber = mother.docNumber;
    tags.push('shared-doc');
  } else if (hit(profile.noDocument)) {
    noDocument = true;
    tags.push('no-document');
  } else if (hit(profile.docTransposePlus)) {
    const v = transposeDigits(q.docNumber, r);
    if (v) {
      q.docNumber = v;
      if (q.secondSurname !== null && r.chance(0.5)) [q.firstSurname, q.secondSurname] = [q.secondSurname, q.firstSurname];
      else q.firstName = typo(q.firstName, r) ?? q.firstName;
      tags.push('doc-transposed-plus');
    }
  } else if (hit(profile.docTranspose)) {
    const v = transposeDigits(q.docNumber, r);
    if (v) {
      q.docNumber = v;
      tags.push('doc-transposed');
    }
  } else if (hit(profile.docMistype)) {
    const v = mistypeDigit(q.docNumber, r);
    if (v) {
      q.docNumber = v;
      tags.push('doc-mistyped');
    }
  }
  return { person: q, household: h, tags, noDocument };
}

/** A streaming file in a writer's encoding. */
class FileSink {
  private readonly ws: WriteStream;
  private pending = '';
  rows = 0;
  constructor(
    readonly path: string,
    private readonly encoding: 'utf-8' | 'windows-1252',
  ) {
    this.ws = createWriteStream(path);
  }
  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= 1 << 16) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.pending) return;
    const buf = this.encoding === 'utf-8' ? Buffer.from(this.pending, 'utf8') : iconv.encode(this.pending, 'win1252');
    this.pending = '';
    if (!this.ws.write(buf)) await once(this.ws, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.ws.end();
    await once(this.ws, 'finish');
  }
}

function writerOf(source: LinkageSource, asOf: string): RowWriter {
  if (source === 'sisben') return sisbenWriter(asOf);
  if (source === 'bdua') return bduaWriter(asOf, 'MS');
  return ruvWriter(
    asOf,
    loadMunicipalities().map((m) => m.code),
  );
}

/** Writes the files, the truth and the manifest. Returns the manifest. */
export async function generateLinkage(opts: LinkageOptions): Promise<LinkageManifest> {
  const seed = (opts.seed ?? 1) >>> 0;
  const asOf = opts.asOf ?? DEFAULT_AS_OF;
  const sources = opts.sources ?? LINKAGE_SOURCES;
  const coverage: Record<LinkageSource, number> = { sisben: 0.9, bdua: 0.93, ruv: 0.9, ...opts.coverage };
  const scale = opts.noise ?? 1;
  mkdirSync(opts.outDir, { recursive: true });
  const population = new LinkagePopulation(seed, asOf, opts.structure);
  const writers = new Map(sources.map((s) => [s, writerOf(s, asOf)]));
  const sinks = new Map<LinkageSource, FileSink>();
  for (const [s, w] of writers) {
    const sink = new FileSink(join(opts.outDir, w.fileName(seed)), w.encoding);
    if (w.header) await sink.write(w.header.join(w.delimiter) + w.eol);
    sinks.set(s, sink);
  }
  const truth = new FileSink(join(opts.outDir, 'truth.tsv'), 'utf-8');
  await truth.write('source\tsource_key\tperson\ttags\n');
  const tagCounts: Record<string, Record<string, number>> = {};
  const count = (source: string, tags: readonly string[]) => {
    const t = (tagCounts[source] ??= {});
    t.records = (t.records ?? 0) + 1;
    for (const x of tags) t[x] = (t[x] ?? 0) + 1;
  };
  // RUV keys are made of the document and the hecho: a shared or mistyped number can collide.
  const ruvKeys = new Set<string>();

  const emit = async (source: LinkageSource, a: Appearance, serial: number, r: Rng) => {
    const w = writers.get(source)!;
    const rows = w.rows(a.person, a.household, r);
    for (const row of rows) {
      if (a.noDocument && source === 'sisben') {
        row[w.header!.indexOf('tip_documento')] = '0';
        row[w.fields.docNumber!.index] = '';
      }
      if (a.noDocument && source === 'ruv') {
        row[0] = r.chance(0.3) ? 'SR' : '';
        row[1] = '';
      }
      const key = w.keyOf(row);
      if (source === 'ruv') {
        if (ruvKeys.has(key)) continue;
        ruvKeys.add(key);
      }
      await sinks.get(source)!.write(row.join(w.delimiter) + w.eol);
      sinks.get(source)!.rows++;
      await truth.write(`${source}\t${key}\t${serial}\t${a.tags.join(',')}\n`);
      count(source, a.tags);
    }
  };

  let persons = 0;
  let households = 0;
  for (let index = 0; persons < opts.persons; index++) {
    const { household: h, tags: structural } = population.household(index);
    households++;
    const inSisben = new Rng(mix(seed ^ 0x5e5e, index)).chance(coverage.sisben);
    for (const p of h.members) {
      persons++;
      const base = structural.get(p.serial) ?? [];
      for (const source of sources) {
        const r = new Rng(mix(seed ^ SALT[source], p.serial));
        // Sisbén surveys households: a covered household lists most of its members (all with coverage 1).
        const covered = source === 'sisben' ? inSisben && (coverage.sisben >= 1 || r.chance(0.97)) : r.chance(coverage[source]);
        if (!covered) continue;
        const undocumented = base.includes('undocumented');
        // BDUA affiliates persons by their document.
        if (undocumented && source === 'bdua') continue;
        const a = noisyAppearance(p, h, NOISE_PROFILES[source], r, asOf, scale);
        if (undocumented) {
          a.noDocument = true;
          a.tags = ['no-document', ...a.tags.filter((x) => x !== 'no-document' && x !== 'shared-doc' && !x.startsWith('doc-'))];
        }
        a.tags.unshift(...base);
        await emit(source, a, p.serial, new Rng(mix(seed ^ 0x5bd1e995 ^ SALT[source], p.serial)));
        // A second appearance in the same source: re-surveyed in another household, or two EPS.
        if (NOISE_PROFILES[source].duplicate > 0 && r.chance(NOISE_PROFILES[source].duplicate * scale)) {
          const again = noisyAppearance(p, h, NOISE_PROFILES[source], r, asOf, scale);
          again.tags.unshift(...base, 'duplicate');
          if (source === 'sisben') {
            again.household = { ...h, ficha: String(200_000_000_000 + p.serial), hogar: 1, municipality: r.pick(loadMunicipalities()).code };
            again.household.department = again.household.municipality.slice(0, 2);
          }
          // BDUA keys are the affiliate serial, derived from the person serial: shift it for the second affiliation.
          const person = source === 'bdua' ? { ...again.person, serial: again.person.serial + 500_000_000 } : again.person;
          await emit(source, { ...again, person }, p.serial, new Rng(mix(seed ^ 0xd0b1e ^ SALT[source], p.serial)));
        }
      }
    }
  }
  for (const s of sinks.values()) await s.close();
  await truth.close();

  const manifest: LinkageManifest = {
    seed,
    asOf,
    persons,
    households,
    files: [...sinks.entries()].map(([source, s]) => ({ source, path: s.path, fileName: writers.get(source)!.fileName(seed), rows: s.rows })),
    truthPath: join(opts.outDir, 'truth.tsv'),
    tags: tagCounts,
    options: { coverage, noise: scale, structure: population.structure },
  };
  const m = new FileSink(join(opts.outDir, 'manifest.json'), 'utf-8');
  await m.write(JSON.stringify(manifest, null, 2) + '\n');
  await m.close();
  return manifest;
}

async function main(): Promise<void> {
  const { Command } = await import('commander');
  const cmd = new Command('linkage')
    .description('Write a labelled linkage benchmark: Sisbén, BDUA and RUV files of one synthetic population, with the truth')
    .requiredOption('--persons <n>', 'persons in the population', (v) => parseInt(v, 10))
    .requiredOption('--out <dir>', 'output directory')
    .option('--seed <n>', 'random seed', (v) => parseInt(v, 10), 7)
    .option('--as-of <date>', 'reference date (ISO)', DEFAULT_AS_OF)
    .option('--sources <list>', 'comma-separated sources', LINKAGE_SOURCES.join(','))
    .option('--coverage <spec>', 'e.g. sisben=1,bdua=1')
    .option('--noise <factor>', 'multiplies every noise probability', (v) => Number(v), 1);
  cmd.parse();
  const o = cmd.opts<{ persons: number; out: string; seed: number; asOf: string; sources: string; coverage?: string; noise: number }>();
  const coverage: Partial<Record<LinkageSource, number>> = {};
  for (const part of (o.coverage ?? '').split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    coverage[k as LinkageSource] = Number(v);
  }
  const t = performance.now();
  const m = await generateLinkage({
    persons: o.persons,
    seed: o.seed,
    asOf: o.asOf,
    outDir: resolve(o.out),
    sources: o.sources.split(',') as LinkageSource[],
    coverage,
    noise: o.noise,
  });
  // The script's own result on stdout (counts and paths, never a record): not a log line.
  const lines = [`${m.persons} persons in ${m.households} households, ${((performance.now() - t) / 1000).toFixed(1)} s`];
  for (const f of m.files) lines.push(`  ${f.source}: ${f.rows} rows → ${f.path}`);
  lines.push(`  truth → ${m.truthPath}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
