{{/* Helpers for govstack-observability. */}}

{{- define "gsobs.fullname" -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- end -}}

{{- define "gsobs.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gsobs.labels" -}}
helm.sh/chart: {{ include "gsobs.chart" . }}
app.kubernetes.io/name: govstack-observability
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/part-of: govstack
app.kubernetes.io/component: observability
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Whether a CRD kind is served: "true", "" (skip) or fail with requireCrds.
Usage: include "gsobs.served" (list $ "monitoring.coreos.com/v1/PrometheusRule")
*/}}
{{- define "gsobs.served" -}}
{{- $root := index . 0 -}}
{{- $kind := index . 1 -}}
{{- if $root.Capabilities.APIVersions.Has $kind -}}
true
{{- else if $root.Values.requireCrds -}}
{{- fail (printf "govstack-observability needs %s but the cluster does not serve it: install kube-prometheus-stack (prometheus-operator CRDs) first, or set requireCrds=false to skip the object" $kind) -}}
{{- end -}}
{{- end -}}

{{/* buildingBlocks normalised to a JSON list of {id, namespace}. */}}
{{- define "gsobs.buildingBlocks" -}}
{{- $out := list -}}
{{- range .Values.buildingBlocks -}}
{{- if kindIs "string" . -}}
{{- $out = append $out (dict "id" . "namespace" .) -}}
{{- else -}}
{{- $out = append $out (dict "id" .id "namespace" (default .id .namespace)) -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* PromQL regex of the namespaces watched (building blocks + X-Road), ".+" when none. */}}
{{- define "gsobs.namespaceRegex" -}}
{{- $ns := list -}}
{{- range (include "gsobs.buildingBlocks" . | fromJsonArray) -}}
{{- $ns = append $ns .namespace -}}
{{- end -}}
{{- with .Values.xroad.namespace -}}
{{- $ns = append $ns . -}}
{{- end -}}
{{- if $ns -}}
{{- join "|" ($ns | uniq | sortAlpha) -}}
{{- else -}}
.+
{{- end -}}
{{- end -}}
