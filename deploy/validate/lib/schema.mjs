// Kubernetes schema checks of rendered objects, offline: the JSON schemas of `kubernetes-models` (and its cert-manager
// and Prometheus Operator packages), plus the unknown fields that `kubectl apply --validate=strict` refuses, read from
// the same packages' type declarations (the schemas alone accept a misspelt `readinesProbe`).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const models = new Map();

/** The kubernetes-models class of a top-level resource and its module, or null when the packages have none. */
async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}|${kind}`;
  if (!models.has(key)) {
    models.set(key, await importModel(apiVersion, kind));
  }
  return models.get(key);
}

async function importModel(apiVersion, kind) {
  if (!/^[A-Za-z0-9]+$/.test(kind)) {
    return null;
  }
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
  const packages = {
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
    "cert-manager.io": "@kubernetes-models/cert-manager",
  };
  const spec = group
    ? `${packages[group] ?? "kubernetes-models"}/${group}/${version}/${kind}`
    : `kubernetes-models/${version}/${kind}`;
  try {
    const Model = (await import(spec))[kind];
    // Sub-objects (Container, PodSpec) have models too, but no apiVersion and kind of their own.
    return Model && Model.kind === kind && Model.apiVersion === apiVersion ? { Model, spec } : null;
  } catch {
    return null;
  }
}

const LEAF = Object.freeze({ kind: "leaf" });
const declarations = new Map();

/** The object shape declared in a kubernetes-models `.d.ts` file (its first exported interface). */
function declaredType(dtsFile) {
  if (!declarations.has(dtsFile)) {
    declarations.set(dtsFile, { kind: "object", props: new Map() });
    declarations.set(dtsFile, existsSync(dtsFile) ? parseDeclaration(dtsFile, declarations.get(dtsFile)) : LEAF);
  }
  return declarations.get(dtsFile);
}

function parseDeclaration(dtsFile, type) {
  const text = readFileSync(dtsFile, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/^import \{([^}]+)\} from "([^"]+)";$/gm)) {
    m[1].split(",").forEach((name) => imports.set(name.trim(), m[2]));
  }
  const lines = text.split("\n");
  const start = lines.findIndex((line) => /^export interface \w+[^{]*\{$/.test(line));
  if (start < 0) {
    return LEAF; // a type alias (Quantity, IntOrString, Time): a scalar as far as fields go
  }
  const resolveRef = (name) => {
    const spec = imports.get(name);
    if (!spec) {
      return LEAF;
    }
    const url = spec.startsWith(".") ? new URL(spec, pathToFileURL(dtsFile)) : new URL(import.meta.resolve(spec));
    return { kind: "ref", file: fileURLToPath(url).replace(/\.js$/, ".d.ts") };
  };
  const parseExpr = (expr) => {
    const array = /^Array<(.+)>$/.exec(expr);
    if (array) {
      return { kind: "array", of: parseExpr(array[1]) };
    }
    return /^I\w+$/.test(expr) ? resolveRef(expr) : LEAF;
  };
  // `interface IssuerSpec extends IssuerConfig {}` (cert-manager's models): the fields are the extended type's.
  const bases = (/ extends ([^{]+)\{$/.exec(lines[start])?.[1] ?? "").split(",").map((b) => b.trim());
  for (const base of bases.filter(Boolean)) {
    for (const [name, field] of resolveType(resolveRef(base)).props ?? []) {
      type.props.set(name, field);
    }
  }
  for (let i = start + 1; i < lines.length && lines[i] !== "}"; i++) {
    const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
    if (!m) {
      continue;
    }
    const expr = m[2].trim();
    if (!expr.endsWith("{")) {
      type.props.set(m[1], parseExpr(expr.replace(/;$/, "")));
      continue;
    }
    // A multi-line type: `{ [key: string]: X; }` (a map) or an inline object literal.
    const block = [];
    for (i++; i < lines.length && !/^ {4}\}/.test(lines[i]); i++) {
      block.push(lines[i].trim());
    }
    const map = block.length === 1 ? /^\[key: string\]: (.+);$/.exec(block[0]) : null;
    type.props.set(m[1], expr === "{" && map ? { kind: "map", of: parseExpr(map[1]) } : LEAF);
  }
  return type;
}

function resolveType(type) {
  return type.kind === "ref" ? declaredType(type.file) : type;
}

export function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Fields the schema does not declare. */
function unknownFields(value, type, pointer, out) {
  const t = resolveType(type);
  if (t.kind === "object" && isMapping(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childType = t.props.get(key);
      if (!childType) {
        out.push(`${pointer}/${key}: unknown field "${key}"`);
      } else {
        unknownFields(child, childType, `${pointer}/${key}`, out);
      }
    }
  } else if (t.kind === "array" && Array.isArray(value)) {
    value.forEach((item, index) => unknownFields(item, t.of, `${pointer}/${index}`, out));
  } else if (t.kind === "map" && isMapping(value)) {
    for (const [key, child] of Object.entries(value)) {
      unknownFields(child, t.of, `${pointer}/${key}`, out);
    }
  }
}

/** The schema problems of one rendered object (empty when it is valid). */
export async function schemaProblems(obj) {
  if (!isMapping(obj)) {
    return ["document is not a mapping"];
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return ["apiVersion and kind are required"];
  }
  const found = await modelFor(apiVersion, kind);
  if (!found) {
    return [`no Kubernetes schema for apiVersion "${apiVersion}" kind "${kind}"`];
  }
  const problems = [];
  try {
    new found.Model(structuredClone(obj)).validate();
  } catch (e) {
    const details = Array.isArray(e.errors) ? e.errors : [{ message: String(e.message ?? e) }];
    details.forEach((d) => problems.push(`${d.instancePath || "/"} ${d.message}`));
  }
  const dts = fileURLToPath(new URL(import.meta.resolve(found.spec))).replace(/\.js$/, ".d.ts");
  unknownFields(obj, { kind: "ref", file: dts }, "", problems);
  return [...new Set(problems)];
}
