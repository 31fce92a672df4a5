/**
 * Synthetic population: realistic, deterministic (by seed) Colombian households and persons written
 * as registry files in their real layouts and encodings (Sisbén IV, BDUA, RUAF, RUV), with injected
 * faults and the exact expected outcome; and the labelled multi-registry population of the linkage
 * benchmark. Shared by the tests, the benchmarks and the demo (`serve --demo`); never by a feature.
 * Both generators are also command-line tools (see generate.ts and linkage/generate.ts).
 */
export { generateFile, generateBytes, writerFor, parseChangeSpec, type GenerateOptions, type ChangeSpec, type Expected, type ExpectedIssue } from './generate';
export { FAULT_KINDS, parseFaultSpec, type FaultKind, type FaultSpec } from './faults';
export { Population, DEFAULT_AS_OF, EPS_CODES, type SyntheticPerson, type SyntheticHousehold, type PopulationOptions } from './population';
export { sisbenWriter, bduaWriter, ruafWriter, ruvWriter, dmy, type RowWriter } from './writers';
export { FEMALE_GIVEN, MALE_GIVEN, FEMALE_SECOND, MALE_SECOND, SURNAMES, COMPOUND_SURNAMES } from './names';
export { loadMunicipalities, municipalityCodes, type Municipality } from './divipola';
export { Rng, mix } from './rng';
export {
  generateLinkage,
  LinkagePopulation,
  noisyAppearance,
  NOISE_PROFILES,
  LINKAGE_SOURCES,
  type LinkageManifest,
  type LinkageOptions,
} from './linkage/generate';
export {
  typo,
  phoneticRespelling,
  nameVariant,
  hasNameVariant,
  resplitGivenNames,
  particleVariant,
  transposeDigits,
  mistypeDigit,
  birthDateError,
} from './linkage/noise';
