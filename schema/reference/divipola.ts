import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface DivipolaRow {
  departmentCode: string;
  departmentName: string;
  municipalityCode: string;
  municipalityName: string;
  kind: string;
}

const CSV_PATH = fileURLToPath(new URL('./divipola.csv', import.meta.url));

// The vendored file is small, fixed and UTF-8; quoted fields only hold commas ("Bogotá, D.C.").
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The 1,122 DIVIPOLA municipal units (see README.md in this folder for provenance and licence). */
export function loadDivipola(path = CSV_PATH): DivipolaRow[] {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  return lines.slice(1).map((line) => {
    const [departmentCode, departmentName, municipalityCode, municipalityName, kind] = splitCsvLine(line);
    return { departmentCode, departmentName, municipalityCode, municipalityName, kind };
  });
}
