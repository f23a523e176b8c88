{{/* Helpers for govstack-xroad. */}}

{{/* Prefix of every object name (kept short: StatefulSet Pod names must fit in 63 chars). */}}
{{- define "gsxr.prefix" -}}
{{- .Release.Name | trunc 20 | trimSuffix "-" -}}
{{- end -}}

{{- define "gsxr.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Image reference from {repository, tag, digest}: the digest wins. */}}
{{- define "gsxr.image" -}}
{{- $repository := required "image repository is required: the govstack stack sets every image from its catalog (src/catalog); when installing by hand, set it with a tag or digest" .repository -}}
{{- if .digest -}}
{{- printf "%s@%s" $repository .digest -}}
{{- else if .tag -}}
{{- printf "%s:%s" $repository .tag -}}
{{- else -}}
{{- fail (printf "image %q needs a tag or a digest (the govstack stack sets both from its catalog)" $repository) -}}
{{- end -}}
{{- end -}}

{{- define "gsxr.imageVersion" -}}
{{- if .tag -}}
{{- .tag | trunc 63 | trimSuffix "-" | trimSuffix "." -}}
{{- else -}}
{{- .digest | replace ":" "-" | trunc 19 -}}
{{- end -}}
{{- end -}}

{{/* Labels shared by all objects. */}}
{{- define "gsxr.commonLabels" -}}
helm.sh/chart: {{ include "gsxr.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/part-of: govstack
govstack.global/building-block: {{ .Values.buildingBlock | quote }}
{{- end -}}

{{/* Names of one Security Server. Usage: include "gsxr.ss.name" (list $ $server) */}}
{{- define "gsxr.ss.name" -}}
{{- printf "%s-ss-%s" (include "gsxr.prefix" (index . 0)) (index . 1).name -}}
{{- end -}}
{{- define "gsxr.ss.dbName" -}}
{{- printf "%s-db" (include "gsxr.ss.name" .) -}}
{{- end -}}
{{- define "gsxr.ss.secretName" -}}
{{- printf "%s-credentials" (include "gsxr.ss.name" .) -}}
{{- end -}}
{{- define "gsxr.ss.serverCode" -}}
{{- $s := index . 1 -}}
{{- default (upper $s.name) $s.serverCode -}}
{{- end -}}

{{/*
Selector labels of a Security Server: the chart's name and instance, and the labels the stack
passes per server (`podLabels`, the model's securityServerPods rule, which NetworkPolicies
select by; the chart writes none of its own). Usage: include "gsxr.ss.selectorLabels" (list $ $server)
*/}}
{{- define "gsxr.ss.selectorLabels" -}}
{{- $server := index . 1 -}}
app.kubernetes.io/name: xroad-security-server
app.kubernetes.io/instance: {{ (index . 0).Release.Name | quote }}
{{ include "gsxr.givenLabels" (list $server.podLabels (printf "securityServers[%s].podLabels" $server.name)) }}
{{- end -}}

{{/*
Labels given by the stack, as YAML; fails when absent or when they would replace the chart's
own name or instance label. Usage: include "gsxr.givenLabels" (list $labels "values.path")
*/}}
{{- define "gsxr.givenLabels" -}}
{{- $labels := index . 0 -}}
{{- $path := index . 1 -}}
{{- if not $labels -}}
{{- fail (printf "%s is required: the govstack stack passes the labels its NetworkPolicies select by (src/model/pod-labels.ts); when installing by hand, set them" $path) -}}
{{- end -}}
{{- range $k, $v := $labels -}}
{{- if has $k (list "app.kubernetes.io/name" "app.kubernetes.io/instance") -}}
{{- fail (printf "%s may not set %s (the chart's own label)" $path $k) -}}
{{- end -}}
{{- end -}}
{{- toYaml $labels -}}
{{- end -}}

{{/*
A port from the stack's values (src/catalog/platform/mediator.ts): the chart has none of its own.
Usage: include "gsxr.port" (list $ "securityServer" "admin"), or (list $ "database")
*/}}
{{- define "gsxr.port" -}}
{{- $root := index . 0 -}}
{{- $path := rest . -}}
{{- $value := $root.Values.ports -}}
{{- range $path -}}
{{- $value = and $value (kindIs "map" $value) (index $value .) -}}
{{- end -}}
{{- if not $value -}}
{{- fail (printf "ports.%s is required: the govstack stack sets every port from its catalog (src/catalog/platform/mediator.ts); when installing by hand, set it" (join "." $path)) -}}
{{- end -}}
{{- int $value -}}
{{- end -}}
{{- define "gsxr.ss.labels" -}}
{{ include "gsxr.commonLabels" (index . 0) }}
{{ include "gsxr.ss.selectorLabels" . }}
app.kubernetes.io/version: {{ include "gsxr.imageVersion" (index . 0).Values.images.securityServer | quote }}
govstack.global/component: security-server
{{- end -}}

{{/* Selector labels of a Security Server's database: the chart's name and instance, and the stack's `databasePodLabels`. */}}
{{- define "gsxr.db.selectorLabels" -}}
{{- $server := index . 1 -}}
app.kubernetes.io/name: xroad-postgresql
app.kubernetes.io/instance: {{ (index . 0).Release.Name | quote }}
{{ include "gsxr.givenLabels" (list $server.databasePodLabels (printf "securityServers[%s].databasePodLabels" $server.name)) }}
{{- end -}}
{{- define "gsxr.db.labels" -}}
{{ include "gsxr.commonLabels" (index . 0) }}
{{ include "gsxr.db.selectorLabels" . }}
app.kubernetes.io/version: {{ include "gsxr.imageVersion" (index . 0).Values.images.postgres | quote }}
govstack.global/component: datastore
{{- end -}}

{{/* Central Server names and labels. */}}
{{- define "gsxr.cs.name" -}}
{{- printf "%s-cs" (include "gsxr.prefix" .) -}}
{{- end -}}
{{- define "gsxr.cs.selectorLabels" -}}
app.kubernetes.io/name: xroad-central-server
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: central-server
{{- end -}}
{{- define "gsxr.cs.labels" -}}
{{ include "gsxr.commonLabels" . }}
{{ include "gsxr.cs.selectorLabels" . }}
app.kubernetes.io/version: {{ include "gsxr.imageVersion" .Values.images.centralServer | quote }}
govstack.global/component: central-server
{{- end -}}

{{/* Annotations that document the Pod Security exception of an X-Road server Pod. */}}
{{- define "gsxr.podSecurityAnnotations" -}}
govstack.global/pod-security-level: {{ .Values.podSecurityLevel | quote }}
govstack.global/pod-security-justification: {{ .Values.podSecurityJustification | quote }}
{{- end -}}

{{/*
Container security context of the X-Road server containers (baseline-compatible).
Usage: include "gsxr.xroadContainerSecurityContext" (list $ (list "EXTRA_CAP" ...))
*/}}
{{- define "gsxr.xroadContainerSecurityContext" -}}
{{- $root := index . 0 -}}
{{- $caps := concat $root.Values.xroadSecurityContext.capabilitiesAdd (index . 1) | uniq -}}
runAsUser: {{ $root.Values.xroadSecurityContext.runAsUser }}
runAsGroup: 0
runAsNonRoot: false
privileged: false
allowPrivilegeEscalation: {{ $root.Values.xroadSecurityContext.allowPrivilegeEscalation }}
readOnlyRootFilesystem: {{ $root.Values.xroadSecurityContext.readOnlyRootFilesystem }}
capabilities:
  drop:
    - ALL
  {{- with $caps }}
  add:
    {{- toYaml . | nindent 4 }}
  {{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Pod security context of restricted Pods. */}}
{{- define "gsxr.restrictedPodSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container security context of restricted containers. */}}
{{- define "gsxr.restrictedContainerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Generated credential: reuse the value of key in the live Secret (lookup) or make a
new random one. Usage: include "gsxr.secretValue" (list $existingSecretOrNil "key")
Returns the base64-encoded value.
*/}}
{{- define "gsxr.secretValue" -}}
{{- $existing := index . 0 -}}
{{- $key := index . 1 -}}
{{- if and $existing $existing.data (hasKey $existing.data $key) -}}
{{- index $existing.data $key -}}
{{- else -}}
{{- randAlphaNum 32 | b64enc -}}
{{- end -}}
{{- end -}}

{{/* Fail on duplicate Security Server names. */}}
{{- define "gsxr.validate" -}}
{{- $seen := dict -}}
{{- range .Values.securityServers -}}
{{- if hasKey $seen .name -}}
{{- fail (printf "securityServers: duplicate name %q" .name) -}}
{{- end -}}
{{- $_ := set $seen .name true -}}
{{- end -}}
{{- end -}}

{{/* Environment variable prefix of a Security Server's credentials in the reconcile Job
(files/reconcile.js envPrefix). Usage: include "gsxr.ss.envPrefix" $server */}}
{{- define "gsxr.ss.envPrefix" -}}
{{- printf "SS_%s_" (regexReplaceAll "[^A-Z0-9]" (upper .name) "_") -}}
{{- end -}}

{{/* ConfigMap with the X-Road system parameters the reconcile Job needs (API key creation from its Pod). */}}
{{- define "gsxr.adminApiConfigName" -}}
{{- printf "%s-admin-api" (include "gsxr.prefix" .) -}}
{{- end -}}

{{/* Volume and mount of that ConfigMap in an X-Road server container, when reconcile is enabled. */}}
{{- define "gsxr.adminApiMount" -}}
- name: admin-api-parameters
  mountPath: /etc/xroad/conf.d/override-govstack-admin-api.ini
  subPath: override-govstack-admin-api.ini
  readOnly: true
{{- end -}}
{{- define "gsxr.adminApiVolume" -}}
- name: admin-api-parameters
  configMap:
    name: {{ include "gsxr.adminApiConfigName" . }}
{{- end -}}

{{/* The release's TLS CA as {crt, key} (base64): the live Secret's, or a new one. */}}
{{- define "gsxr.tls.ca" -}}
{{- $name := printf "%s-tls-ca" (include "gsxr.prefix" .) -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace $name -}}
{{- if and $existing $existing.data (index $existing.data "tls.crt") -}}
crt: {{ index $existing.data "tls.crt" }}
key: {{ index $existing.data "tls.key" }}
{{- else -}}
{{- $ca := genCA "govstack-xroad" 3650 -}}
crt: {{ $ca.Cert | b64enc }}
key: {{ $ca.Key | b64enc }}
{{- end -}}
{{- end -}}
