import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: every location in a report is relative to it. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function rel(file) {
  return path.relative(REPO, file) || ".";
}

/** Collects the problems of one validation run; `print` echoes them as they come. */
export class Report {
  constructor({ print = false } = {}) {
    this.print = print;
    this.errors = [];
    this.notes = [];
    this.valid = 0;
    this.invalid = 0;
  }

  error(where, message) {
    const line = `ERROR ${where}: ${message}`;
    // A component is rendered inside several kustomizations: report each problem once.
    if (!this.errors.includes(line)) {
      this.errors.push(line);
      if (this.print) {
        console.log(line);
      }
    }
  }

  note(message) {
    this.notes.push(message);
    if (this.print) {
      console.log(`note: ${message}`);
    }
  }

  log(message) {
    if (this.print) {
      console.log(message);
    }
  }

  /** Counts one schema-validated document and reports its problems. */
  document(where, problems) {
    if (problems.length === 0) {
      this.valid++;
      return;
    }
    this.invalid++;
    problems.forEach((problem) => this.error(where, problem));
  }
}
