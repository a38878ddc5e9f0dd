// Rendering with the real `kubectl kustomize` (no cluster is contacted), and what kustomize itself lets pass: files
// no kustomization references, remote resources, and `images:` entries or targeted patches that change nothing.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { rel } from "./report.mjs";

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export function kustomizationFile(dir) {
  return KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file)) ?? null;
}

function readKustomization(dir) {
  return parse(readFileSync(kustomizationFile(dir), "utf8")) ?? {};
}

/** The kubectl that renders, as `kubectl (kustomize v5.5.0)`, or null (reported) when there is none that works. */
export function kubectlVersion(report) {
  const probe = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8", timeout: 30_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.code === "ENOENT" ? "is not installed" : `failed: ${probe.stderr.trim()}`;
    report.error("kubectl", `${why}; .ci/run installs it (kubectl kustomize renders every kustomization)`);
    return null;
  }
  return `kubectl (kustomize ${/Kustomize Version: (\S+)/.exec(probe.stdout)?.[1] ?? "version unknown"})`;
}

/** The objects `kubectl kustomize dir` renders, or null when it refuses (reported). */
export function render(dir, report) {
  const run = spawnSync("kubectl", ["kustomize", dir], {
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error || run.status !== 0) {
    // kubectl prefixes its message with a klog header (severity, time, pid, source line): keep only the message.
    const message = (run.stderr || String(run.error)).replace(/^[EWI]\d{4} [\d:.]+\s+\d+ \S+\] /gm, "").trim();
    report.error(rel(dir), `kubectl kustomize failed: ${message}`);
    return null;
  }
  const objects = [];
  // YAML 1.1, as kubectl apply reads it: an unquoted `yes` or `on` is a boolean there and must fail the schema here.
  for (const doc of parseAllDocuments(run.stdout, { version: "1.1" })) {
    if (doc.errors.length > 0) {
      report.error(rel(dir), `rendered YAML: ${doc.errors[0].message}`);
    } else if (doc.contents !== null) {
      objects.push(doc.toJS());
    }
  }
  return objects;
}

/** The kustomizations (directories) under root, components included. */
export function findKustomizations(root) {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const dir = path.join(root, entry.name);
      return [...(kustomizationFile(dir) ? [dir] : []), ...findKustomizations(dir)];
    });
}

export function isComponent(dir) {
  return readKustomization(dir).kind === "Component";
}

/**
 * The files and kustomizations that one kustomization reads, following resources and components: what it deploys.
 * Reports remote resources, which would make the deployment material depend on the network.
 */
export function references(dir, report, found = { files: new Set(), dirs: new Set() }) {
  if (found.dirs.has(dir)) {
    return found;
  }
  found.dirs.add(dir);
  found.files.add(kustomizationFile(dir));
  const k = readKustomization(dir);
  const local = (entry) => path.join(dir, entry);
  for (const entry of [...(k.resources ?? []), ...(k.components ?? [])]) {
    if (/^[a-z]+:\/\//.test(entry) || entry.startsWith("github.com/")) {
      const where = rel(kustomizationFile(dir));
      report.error(where, `resource "${entry}" is remote: deployment material must build offline`);
    } else if (existsSync(local(entry)) && statSync(local(entry)).isDirectory()) {
      references(local(entry), report, found);
    } else {
      found.files.add(local(entry));
    }
  }
  const patches = [...(k.patches ?? []), ...(k.patchesJson6902 ?? []), ...(k.patchesStrategicMerge ?? [])];
  patches.map((p) => (typeof p === "string" ? p : p.path)).filter(Boolean).forEach((p) => found.files.add(local(p)));
  for (const generator of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])]) {
    const sources = [...(generator.envs ?? []), ...(generator.env ? [generator.env] : []), ...(generator.files ?? [])];
    sources.forEach((source) => found.files.add(local(source.split("=").at(-1))));
  }
  return found;
}

function containerImages(objects) {
  return objects.flatMap((o) => {
    const pod = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec ?? {};
    return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].map((c) => String(c.image));
  });
}

/**
 * `images:` entries and patches with a `target:` that change nothing in any rendering that includes them (kustomize
 * accepts both silently). `renderings` maps each rendered kustomization to its objects and the directories it reads.
 */
export function checkEffects(dir, renderings, report) {
  const k = readKustomization(dir);
  const where = rel(kustomizationFile(dir));
  const outputs = [...renderings.values()].filter((r) => r.dirs.has(dir)).map((r) => r.objects);
  if (outputs.length === 0) {
    return;
  }
  for (const image of k.images ?? []) {
    const name = image.newName ?? image.name;
    const changed = (i) => i === name || i.startsWith(`${name}:`) || i.startsWith(`${name}@`);
    const suffix = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : "";
    if (!outputs.some((objects) => containerImages(objects).some((i) => changed(i) && i.endsWith(suffix)))) {
      report.error(where, `images: no container uses image "${image.name}" (the entry does nothing)`);
    }
  }
  for (const patch of (k.patches ?? []).filter((p) => p.target)) {
    const { kind, name } = patch.target;
    const matches = (o) => (!kind || o.kind === kind) && (!name || new RegExp(`^(?:${name})$`).test(o.metadata?.name));
    if (!outputs.some((objects) => objects.some(matches))) {
      report.error(where, `patch target ${JSON.stringify(patch.target)} matches no resource (the patch does nothing)`);
    }
  }
}
