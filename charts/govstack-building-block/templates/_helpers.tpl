{{/*
Helpers for govstack-building-block. All names derive from the release name so
that Terraform can predict them: Deployment/Service "<release>", ConfigMap
"<release>-config", datastore "<release>-db".
*/}}

{{/* Base name of every object. */}}
{{- define "gsbb.fullname" -}}
{{- .Release.Name | trunc 53 | trimSuffix "-" -}}
{{- end -}}

{{/* Chart label value. */}}
{{- define "gsbb.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Image reference from an {repository, tag, digest} map: the digest wins. */}}
{{- define "gsbb.image" -}}
{{- $repository := required "image repository is required: the govstack stack sets every image from its catalog (src/catalog); when installing by hand, set it with a tag or digest" .repository -}}
{{- if .digest -}}
{{- printf "%s@%s" $repository .digest -}}
{{- else if .tag -}}
{{- printf "%s:%s" $repository .tag -}}
{{- else -}}
{{- fail (printf "image %q needs a tag or a digest (the govstack stack sets both from its catalog)" $repository) -}}
{{- end -}}
{{- end -}}

{{/* Label-safe version of an {repository, tag, digest} map. */}}
{{- define "gsbb.imageVersion" -}}
{{- if .tag -}}
{{- .tag | trunc 63 | trimSuffix "-" | trimSuffix "." | trimSuffix "_" -}}
{{- else -}}
{{- .digest | replace ":" "-" | trunc 19 -}}
{{- end -}}
{{- end -}}

{{/* Labels shared by every object of the release. */}}
{{- define "gsbb.commonLabels" -}}
helm.sh/chart: {{ include "gsbb.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/part-of: govstack
govstack.global/building-block: {{ .Values.buildingBlock | quote }}
{{- end -}}

{{/* Selector labels of the workload (immutable once deployed). */}}
{{- define "gsbb.selectorLabels" -}}
app.kubernetes.io/name: {{ .Values.buildingBlock | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: workload
{{- end -}}

{{/* Full labels of workload objects. */}}
{{- define "gsbb.labels" -}}
{{ include "gsbb.commonLabels" . }}
{{ include "gsbb.selectorLabels" . }}
app.kubernetes.io/version: {{ include "gsbb.imageVersion" .Values.image | quote }}
govstack.global/component: workload
{{- end -}}

{{/* Selector labels of the datastore. */}}
{{- define "gsbb.db.selectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-postgresql" .Values.buildingBlock | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: datastore
{{- end -}}

{{/* Full labels of datastore objects. */}}
{{- define "gsbb.db.labels" -}}
{{ include "gsbb.commonLabels" . }}
{{ include "gsbb.db.selectorLabels" . }}
app.kubernetes.io/version: {{ include "gsbb.imageVersion" .Values.database.image | quote }}
govstack.global/component: datastore
{{- end -}}

{{/* Datastore names. */}}
{{- define "gsbb.db.fullname" -}}
{{- printf "%s-db" (include "gsbb.fullname" .) -}}
{{- end -}}
{{- define "gsbb.db.name" -}}
{{- default (.Values.buildingBlock | replace "-" "_") .Values.database.name -}}
{{- end -}}
{{- define "gsbb.db.user" -}}
{{- default (include "gsbb.db.name" .) .Values.database.user -}}
{{- end -}}

{{/* True when the workload runs as root (documented Pod Security "baseline" exception). */}}
{{- define "gsbb.rootMode" -}}
{{- if eq (toString .Values.securityContext.runAsNonRoot) "false" -}}true{{- end -}}
{{- end -}}

{{/*
Identity of the datastore Pods: the workload's identity, or 10001 when the workload
itself runs as root (the datastore never needs root).
*/}}
{{- define "gsbb.db.identity" -}}
{{- if include "gsbb.rootMode" . -}}
{{- toJson (dict "runAsUser" 10001 "runAsGroup" 10001 "fsGroup" 10001) -}}
{{- else -}}
{{- toJson (dict "runAsUser" .Values.securityContext.runAsUser "runAsGroup" .Values.securityContext.runAsGroup "fsGroup" .Values.securityContext.fsGroup) -}}
{{- end -}}
{{- end -}}

{{/*
Pod-level security context. Usage: include "gsbb.podSecurityContext" (list $ $identity $root)
where $identity is {runAsUser, runAsGroup, fsGroup} and $root is true for root mode.
*/}}
{{- define "gsbb.podSecurityContext" -}}
{{- $id := index . 1 -}}
{{- $rootMode := index . 2 -}}
runAsNonRoot: {{ not $rootMode }}
runAsUser: {{ $id.runAsUser }}
runAsGroup: {{ $id.runAsGroup }}
fsGroup: {{ $id.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Container-level security context ("restricted" + read-only root; in root mode the
capabilities in securityContext.capabilitiesAdd are added back, within "baseline").
Usage: include "gsbb.containerSecurityContext" (list $ $identity $root)
*/}}
{{- define "gsbb.containerSecurityContext" -}}
{{- $root := index . 0 -}}
{{- $id := index . 1 -}}
{{- $rootMode := index . 2 -}}
runAsNonRoot: {{ not $rootMode }}
runAsUser: {{ $id.runAsUser }}
runAsGroup: {{ $id.runAsGroup }}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
  {{- if and $rootMode $root.Values.securityContext.capabilitiesAdd }}
  add:
    {{- toYaml $root.Values.securityContext.capabilitiesAdd | nindent 4 }}
  {{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Whether a CRD-backed kind is served. Usage:
  include "gsbb.crdAvailable" (list $ "monitoring.coreos.com/v1/ServiceMonitor" "metrics.enabled")
Returns "true" when the kind is served; fails when it is not and requireCrds is set;
returns "" otherwise.
*/}}
{{- define "gsbb.crdAvailable" -}}
{{- $root := index . 0 -}}
{{- $kind := index . 1 -}}
{{- $why := index . 2 -}}
{{- if $root.Capabilities.APIVersions.Has $kind -}}
true
{{- else if $root.Values.requireCrds -}}
{{- fail (printf "%s is enabled but the cluster does not serve %s: install its CRD first (e.g. kube-prometheus-stack), or set requireCrds=false to skip the object" $why $kind) -}}
{{- end -}}
{{- end -}}

{{/* The datastore's port: the stack passes it from its catalog; the chart has none of its own. */}}
{{- define "gsbb.db.port" -}}
{{- required "database.port is required when database.enabled (the stack sets it from its catalog)" .Values.database.port -}}
{{- end -}}

{{/* What the probes do: GET healthPath on the "http" port, or (probeType tcp) open a TCP connection to it. */}}
{{- define "gsbb.probeAction" -}}
{{- if eq .Values.probeType "tcp" -}}
tcpSocket:
  port: http
{{- else -}}
httpGet:
  path: {{ .Values.healthPath | quote }}
  port: http
{{- end -}}
{{- end -}}
