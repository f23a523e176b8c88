{{/* Helpers for govstack-gateway. */}}

{{- define "gsgw.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "gsgw.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "gsgw.labels" -}}
helm.sh/chart: {{ include "gsgw.chart" . }}
app.kubernetes.io/name: govstack-gateway
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/part-of: govstack
app.kubernetes.io/component: gateway
{{- end -}}

{{/* Name of the Gateway for a role ("external" | "internal"). Usage: include "gsgw.gatewayName" (list $ "external") */}}
{{- define "gsgw.gatewayName" -}}
{{- printf "%s-%s" (include "gsgw.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{/* Namespace of the Gateway for a role: gateways.<role>.namespace or the release namespace. */}}
{{- define "gsgw.gatewayNamespace" -}}
{{- $root := index . 0 -}}
{{- (index $root.Values.gateways (index . 1)).namespace | default $root.Release.Namespace -}}
{{- end -}}

{{- define "gsgw.envoyProxyName" -}}
{{- printf "%s-proxy" (include "gsgw.fullname" .) -}}
{{- end -}}

{{/*
Whether a CRD-backed kind is served: "true", or "" (skip), or fail when
requireCrds is set. Usage: include "gsgw.served" (list $ "gateway.networking.k8s.io/v1/Gateway")
*/}}
{{- define "gsgw.served" -}}
{{- $root := index . 0 -}}
{{- $kind := index . 1 -}}
{{- if $root.Capabilities.APIVersions.Has $kind -}}
true
{{- else if $root.Values.requireCrds -}}
{{- fail (printf "govstack-gateway needs %s but the cluster does not serve it: install the Gateway API and Envoy Gateway CRDs (Envoy Gateway's chart) first, or set requireCrds=false to skip the object" $kind) -}}
{{- end -}}
{{- end -}}

{{/* Roles of the enabled Gateways, as a list. */}}
{{- define "gsgw.enabledRoles" -}}
{{- $roles := list -}}
{{- range $role := list "external" "internal" -}}
{{- if (index $.Values.gateways $role).enabled -}}
{{- $roles = append $roles $role -}}
{{- end -}}
{{- end -}}
{{- toJson $roles -}}
{{- end -}}
