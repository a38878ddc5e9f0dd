// The Kubernetes manifests: every kustomization that is not a component is rendered with `kubectl kustomize`, and
// what it renders is checked against the schemas and AuthCache's policies.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { checkEffects, findKustomizations, isComponent, kubectlVersion, references, render } from "./kustomize.mjs";
import { checkPolicies, describe } from "./policies.mjs";
import { rel } from "./report.mjs";
import { schemaProblems } from "./schema.mjs";

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/** Components and the demo take the namespace of whatever includes or applies them. */
function checkNamespaceLess(root, files, report) {
  const namespaceLess = (file) => ["components", "demo"]
    .some((dir) => !path.relative(path.join(root, dir), file).startsWith(".."));
  for (const file of [...files].filter((f) => /\.ya?ml$/.test(f) && namespaceLess(f))) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const obj = doc.toJS();
      if (obj?.metadata?.namespace && obj.kind) {
        report.error(`${rel(file)} (${describe(obj)})`, "components and the demo are namespace-less: "
          + "remove metadata.namespace");
      }
    }
  }
}

/** Renders one kustomization and checks what it renders; returns the objects, or null when kustomize refused. */
export async function checkRendering(dir, report, { shutdownSeconds }) {
  const objects = render(dir, report);
  if (!objects) {
    return null;
  }
  for (const obj of objects) {
    report.document(`${rel(dir)} rendered ${describe(obj)}`, await schemaProblems(obj));
  }
  const external = checkPolicies(objects, rel(dir), report, { shutdownSeconds });
  const expects = external.length > 0 ? `; expects Secret ${external.join(", ")} to exist in the namespace` : "";
  report.log(`${rel(dir)}: ${objects.length} objects rendered by kubectl kustomize${expects}`);
  return objects;
}

/**
 * Renders every kustomization under `root` that is not a component and checks the rendered objects; every file
 * under `root` must be read by one of them. `shutdownSeconds` is the hosts' HostOptions.ShutdownTimeout.
 */
export async function checkKubernetes(root, report, { shutdownSeconds }) {
  const renderer = kubectlVersion(report);
  const kustomizations = findKustomizations(root);
  const renderings = new Map();
  const read = new Set();
  for (const dir of kustomizations.filter((d) => !isComponent(d))) {
    const found = references(dir, report);
    found.files.forEach((file) => read.add(file));
    const objects = renderer ? await checkRendering(dir, report, { shutdownSeconds }) : null;
    if (objects) {
      renderings.set(dir, { objects, dirs: found.dirs });
    }
  }
  kustomizations.forEach((dir) => checkEffects(dir, renderings, report));
  checkNamespaceLess(root, read, report);
  for (const file of listFiles(root).filter((f) => !read.has(f))) {
    report.error(rel(file), "not read by any kustomization that is rendered (it would never be deployed or checked)");
  }
  const objects = [...renderings.values()].reduce((sum, r) => sum + r.objects.length, 0);
  return `kubernetes: ${renderings.size} kustomizations rendered by ${renderer} (${objects} objects)`;
}
