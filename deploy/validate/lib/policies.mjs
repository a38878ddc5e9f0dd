// The hardening and consistency policies of AuthCache's rendered manifests: what kustomize and the schemas cannot
// know. Workloads run non-root on a read-only root with every capability dropped, with requests, limits and probes;
// selectors select; every Orleans silo and client shares one ServiceId and ClusterId, mounts a cert-manager
// certificate of its role for mutual TLS, and is given longer to stop than the hosts' shutdown timeout.
import path from "node:path";
import { isMapping } from "./schema.mjs";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** The pod labels of an Orleans client (your API, the demo API host). */
const CLIENT_LABELS = { "authcache/role": "client" };

export function describe(obj) {
  const ns = obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : "";
  return `${obj?.kind ?? "?"} ${ns}${obj?.metadata?.name ?? "?"}`;
}

function podSpecOf(obj) {
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(obj.kind)) {
    return obj.spec?.template?.spec;
  }
  return obj.kind === "CronJob" ? obj.spec?.jobTemplate?.spec?.template?.spec : undefined;
}

function allContainers(pod) {
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

function selectorMatches(selector, labels) {
  return isMapping(selector) && Object.keys(selector).length > 0
    && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** A metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) must all hold. */
function labelSelectorMatches(selector, labels = {}) {
  const { matchLabels = {}, matchExpressions = [] } = isMapping(selector) ? selector : {};
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    return false;
  }
  const holds = ({ key, operator, values = [] }) => ({
    In: Object.hasOwn(labels, key) && values.includes(labels[key]),
    NotIn: !Object.hasOwn(labels, key) || !values.includes(labels[key]),
    Exists: Object.hasOwn(labels, key),
    DoesNotExist: !Object.hasOwn(labels, key),
  })[operator] ?? false;
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v) && matchExpressions.every(holds);
}

/**
 * Policies of one rendering. `shutdownSeconds` is the hosts' HostOptions.ShutdownTimeout. Returns the Secrets the
 * workloads reference that the rendering does not contain (they must exist in the namespace).
 */
export function checkPolicies(objects, where, report, { shutdownSeconds }) {
  const context = {
    where,
    report,
    shutdownSeconds,
    configMaps: new Map(objects.filter((o) => o.kind === "ConfigMap").map((o) => [o.metadata.name, o])),
    secrets: new Set(objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name)),
    certificates: new Map(objects.filter((o) => o.kind === "Certificate").map((o) => [o.spec?.secretName, o])),
    externalSecrets: new Set(),
    orleansIds: [],
  };
  const templates = objects.filter(podSpecOf).map((obj) => {
    checkWorkload(obj, context);
    return { obj, labels: obj.spec?.template?.metadata?.labels ?? {}, pod: podSpecOf(obj) };
  });
  const ids = context.orleansIds;
  if (new Set(ids.map((i) => `${i.clusterId}|${i.serviceId}`)).size > 1) {
    const list = ids.map((i) => `${i.at} = ${i.clusterId}/${i.serviceId}`).join("; ");
    report.error(where, `Orleans ClusterId/ServiceId differ between workloads: ${list}`);
  }
  for (const obj of objects) {
    checkSelection(obj, objects, templates, `${where}: ${describe(obj)}`, report);
  }
  return [...context.externalSecrets];
}

function checkWorkload(obj, context) {
  const at = `${context.where}: ${describe(obj)}`;
  const { report } = context;
  const pod = podSpecOf(obj);
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  if (obj.spec?.selector?.matchLabels && !selectorMatches(obj.spec.selector.matchLabels, labels)) {
    report.error(at, "spec.selector.matchLabels does not match the pod template's labels");
  }
  if (pod.automountServiceAccountToken !== false) {
    report.error(at, "automountServiceAccountToken must be false (nothing here calls the Kubernetes API)");
  }
  for (const container of allContainers(pod)) {
    const c = `${at} container ${container.name}`;
    checkHardening(container, pod, c, report);
    checkReferences(container, pod, c, context);
    checkOrleans(container, pod, labels, c, context);
  }
}

function checkHardening(container, pod, c, report) {
  const podSecurity = pod.securityContext ?? {};
  const security = container.securityContext ?? {};
  if (podSecurity.runAsNonRoot !== true && security.runAsNonRoot !== true) {
    report.error(c, "runAsNonRoot must be true");
  }
  if ((security.runAsUser ?? podSecurity.runAsUser) === 0) {
    report.error(c, "runs as root (runAsUser 0)");
  }
  if (!["RuntimeDefault", "Localhost"].includes(security.seccompProfile?.type ?? podSecurity.seccompProfile?.type)) {
    report.error(c, "seccompProfile must be RuntimeDefault (pod or container securityContext)");
  }
  if (security.allowPrivilegeEscalation !== false) {
    report.error(c, "allowPrivilegeEscalation must be false");
  }
  if (security.readOnlyRootFilesystem !== true) {
    report.error(c, "readOnlyRootFilesystem must be true");
  }
  if (!(security.capabilities?.drop ?? []).includes("ALL")) {
    report.error(c, "capabilities.drop must include ALL");
  }
  if (security.privileged === true) {
    report.error(c, "privileged containers are not allowed");
  }
  for (const kind of ["requests", "limits"]) {
    for (const resource of ["cpu", "memory"]) {
      if (container.resources?.[kind]?.[resource] === undefined) {
        report.error(c, `resources.${kind}.${resource} is required`);
      }
    }
  }
  const image = String(container.image);
  if (!/[:@]/.test(image.slice(image.lastIndexOf("/") + 1))) {
    report.error(c, `image "${image}" has no tag or digest`);
  } else if (image.endsWith(":latest")) {
    report.error(c, `image "${image}" uses the mutable tag latest`);
  }
  if (!(pod.initContainers ?? []).includes(container)) {
    for (const probe of ["readinessProbe", "livenessProbe"].filter((p) => !container[p])) {
      report.error(c, `${probe} is required`);
    }
  }
  const portNames = new Set((container.ports ?? []).map((p) => p.name).filter(Boolean));
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    const { httpGet, tcpSocket, grpc } = container[probe] ?? {};
    const port = httpGet?.port ?? tcpSocket?.port ?? grpc?.port;
    if (typeof port === "string" && !portNames.has(port)) {
      report.error(c, `${probe} uses port "${port}", which the container does not declare`);
    }
  }
}

/** Volumes, environment variables, ConfigMaps and Secrets the container refers to. */
function checkReferences(container, pod, c, { report, configMaps, secrets, externalSecrets }) {
  const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
  for (const mount of container.volumeMounts ?? []) {
    if (!volumes.has(mount.name)) {
      report.error(c, `volumeMount ${mount.name} has no volume`);
    }
  }
  // $(VAR) expands only variables defined earlier in the same list; otherwise it stays literal text.
  const defined = new Set();
  for (const variable of container.env ?? []) {
    for (const m of String(variable.value ?? "").matchAll(/\$\(([^)]+)\)/g)) {
      if (!defined.has(m[1])) {
        report.error(c, `env ${variable.name} uses $(${m[1]}), which is not defined before it`);
      }
    }
    defined.add(variable.name);
    const configMapRef = variable.valueFrom?.configMapKeyRef;
    if (configMapRef && !configMapRef.optional) {
      const cm = configMaps.get(configMapRef.name);
      if (!cm) {
        report.error(c, `env ${variable.name}: ConfigMap ${configMapRef.name} is not part of the rendering`);
      } else if (!(configMapRef.key in (cm.data ?? {}))) {
        report.error(c, `env ${variable.name}: ConfigMap ${configMapRef.name} has no key ${configMapRef.key}`);
      }
    }
    const secretRef = variable.valueFrom?.secretKeyRef;
    if (secretRef && !secrets.has(secretRef.name)) {
      externalSecrets.add(secretRef.name);
    }
  }
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (name && !configMaps.has(name) && !source.configMapRef.optional) {
      report.error(c, `envFrom: ConfigMap ${name} is not part of the rendering`);
    }
    for (const key of Object.keys(configMaps.get(name)?.data ?? {}).filter((k) => !ENV_NAME.test(k))) {
      report.error(c, `envFrom: ConfigMap ${name} key "${key}" is not a valid environment variable name (skipped)`);
    }
    if (source.secretRef?.name && !secrets.has(source.secretRef.name)) {
      externalSecrets.add(source.secretRef.name);
    }
  }
}

/** The ids every silo and client must share, their mutual TLS, and the shutdown budget of an Orleans process. */
function checkOrleans(container, pod, labels, c, context) {
  const { report, shutdownSeconds } = context;
  const envValue = (name) => (container.env ?? []).find((v) => v.name === name)?.value;
  const clusterId = envValue("Orleans__ClusterId");
  const serviceId = envValue("Orleans__ServiceId");
  if (clusterId === undefined && serviceId === undefined) {
    return;
  }
  context.orleansIds.push({ at: c, clusterId, serviceId });
  for (const [label, value, variable] of [
    ["orleans/clusterId", clusterId, "Orleans__ClusterId"],
    ["orleans/serviceId", serviceId, "Orleans__ServiceId"],
  ]) {
    if (labels[label] !== undefined && labels[label] !== value) {
      report.error(c, `pod label ${label}=${labels[label]} differs from ${variable}=${value}`);
    }
  }
  checkOrleansTls(c, container, pod, envValue, context);
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
  if (grace <= shutdownSeconds + preStop) {
    report.error(c, `terminationGracePeriodSeconds ${grace} must exceed the hosts' ${shutdownSeconds} s shutdown `
      + `timeout plus the ${preStop} s preStop pause`);
  }
}

/**
 * Orleans over mutual TLS (src/Hosting, Orleans:Tls): every silo and client sets Orleans__Tls__Enabled=true (a
 * Production process of a cluster of processes refuses to start without it), and its certificate, key and CA files
 * lie in a read-only directory mount (no subPath, which freezes the files and so defeats renewal) of the secret of a
 * cert-manager Certificate of the rendering whose usages fit the process's role: a silo's Server and Client
 * Authentication, a client's (Orleans__Mode=Client) Client Authentication only.
 */
function checkOrleansTls(c, container, pod, envValue, { report, certificates }) {
  if (envValue("Orleans__Tls__Enabled") !== "true") {
    report.error(c, "Orleans__Tls__Enabled must be \"true\": the Orleans connections of a cluster of processes "
      + "need mutual TLS (components/orleans-mtls)");
    return;
  }
  const client = envValue("Orleans__Mode") === "Client";
  for (const key of ["CertificatePath", "KeyPath", "CaPath"]) {
    const file = envValue(`Orleans__Tls__${key}`);
    if (file === undefined) {
      if (key !== "KeyPath") {
        report.error(c, `Orleans__Tls__${key} is not set`);
      }
      continue;
    }
    const dir = path.posix.dirname(file);
    const mount = (container.volumeMounts ?? []).find((m) => dir === m.mountPath.replace(/\/$/, ""));
    if (!mount) {
      report.error(c, `Orleans__Tls__${key} ${file} is not in a directory mount of the container`);
      continue;
    }
    if (mount.subPath || mount.subPathExpr) {
      report.error(c, `volumeMount ${mount.name} uses subPath: its files would never see a renewed certificate`);
    }
    if (mount.readOnly !== true) {
      report.error(c, `volumeMount ${mount.name} holds the Orleans TLS key and must be readOnly`);
    }
    const secretName = (pod.volumes ?? []).find((v) => v.name === mount.name)?.secret?.secretName;
    const certificate = certificates.get(secretName);
    if (!secretName) {
      report.error(c, `Orleans__Tls__${key}: volume ${mount.name} is not a Secret volume`);
    } else if (!certificate) {
      report.error(c, `Orleans__Tls__${key}: Secret ${secretName} is not issued by a cert-manager Certificate `
        + "of the rendering");
    } else {
      const usages = new Set(certificate.spec?.usages ?? []);
      const fits = usages.has("client auth") && usages.has("server auth") !== client;
      if (!fits) {
        const role = client ? "client's (client auth, no server auth)" : "silo's (server auth and client auth)";
        report.error(c, `Certificate ${certificate.metadata.name} has usages [${[...usages].join(", ")}], `
          + `not a ${role}`);
      }
    }
  }
}

/** Services, PodDisruptionBudgets, autoscalers, NetworkPolicies and PodMonitors select what they are meant for. */
function checkSelection(obj, objects, templates, at, report) {
  const named = (portName) => (t) => allContainers(t.pod).some((c) => (c.ports ?? []).some((p) => p.name === portName));
  if (obj.kind === "Service" && obj.spec?.selector) {
    const selected = templates.filter((t) => selectorMatches(obj.spec.selector, t.labels));
    if (selected.length === 0) {
      report.error(at, "selector matches no pod template");
    }
    for (const port of obj.spec.ports ?? []) {
      if (typeof port.targetPort === "string" && !selected.some(named(port.targetPort))) {
        report.error(at, `targetPort "${port.targetPort}" is not a named port of the selected pods`);
      }
    }
  }
  if (obj.kind === "PodDisruptionBudget"
    && !templates.some((t) => selectorMatches(obj.spec?.selector?.matchLabels, t.labels))) {
    report.error(at, "selector matches no pod template");
  }
  if (obj.kind === "HorizontalPodAutoscaler") {
    checkAutoscaler(obj, objects, at, report);
  }
  if (obj.kind === "NetworkPolicy") {
    if (!templates.some((t) => selectorMatches(obj.spec?.podSelector?.matchLabels, t.labels))) {
      report.error(at, "podSelector matches no pod template");
    }
    for (const peer of (obj.spec?.ingress ?? []).flatMap((rule) => rule.from ?? [])) {
      const selector = peer.podSelector?.matchLabels;
      if (!selector || peer.namespaceSelector || templates.some((t) => selectorMatches(selector, t.labels))) {
        continue;
      }
      // The Orleans clients are your API's pods, deployed from your own manifests next to these.
      if (selectorMatches(selector, CLIENT_LABELS)) {
        report.note(`${at}: ingress from ${JSON.stringify(selector)} selects no pod here; it is meant for your `
          + "API's pods (examples/client-api)");
      } else {
        report.error(at, `ingress from podSelector ${JSON.stringify(selector)} matches no pod template`);
      }
    }
  }
  if (obj.kind === "PodMonitor") {
    const selected = templates.filter((t) => labelSelectorMatches(obj.spec?.selector, t.labels));
    if (selected.length === 0) {
      report.error(at, "selector matches no pod template");
    }
    for (const endpoint of obj.spec?.podMetricsEndpoints ?? []) {
      for (const t of selected.filter((s) => !named(endpoint.port)(s))) {
        report.error(at, `port "${endpoint.port}" is not a named container port of ${describe(t.obj)}`);
      }
    }
    if (selected.length > 0 && !selected.some((t) => t.labels["authcache/role"] === "silo")) {
      report.error(at, "selects no silo pod: the alert rules and the dashboard need the silos' metrics");
    }
  }
}

function checkAutoscaler(hpa, objects, at, report) {
  const ref = hpa.spec?.scaleTargetRef ?? {};
  const target = objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name);
  if (!target) {
    report.error(at, `scaleTargetRef ${ref.kind}/${ref.name} is not part of the rendering`);
    return;
  }
  const { minReplicas = 1, maxReplicas } = hpa.spec;
  if (minReplicas > maxReplicas) {
    report.error(at, `minReplicas ${minReplicas} > maxReplicas ${maxReplicas}`);
  }
  const replicas = target.spec?.replicas;
  if (replicas !== undefined && (replicas < minReplicas || replicas > maxReplicas)) {
    report.error(at, `${describe(target)} has replicas ${replicas}, outside ${minReplicas}..${maxReplicas}`);
  }
  const cpu = (hpa.spec.metrics ?? [])
    .some((m) => m.resource?.name === "cpu" && m.resource?.target?.type === "Utilization");
  if (cpu && allContainers(podSpecOf(target)).some((c) => !c.resources?.requests?.cpu)) {
    report.error(at, "CPU utilization target, but a container of the target has no CPU request");
  }
}
