{{/*
Names are fixed, not prefixed with the release: the operator is a cluster singleton (its CRDs,
ClusterRoles and admission policy are cluster-wide), and the alert rules find the agent by
job="thinpool-agent", which a ServiceMonitor takes from the Service's name.
*/}}

{{- define "thinpool.labels" -}}
app.kubernetes.io/name: thinpool-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* Selector labels of one component: "agent" or "controller". */}}
{{- define "thinpool.selector" -}}
app.kubernetes.io/name: thinpool-operator
app.kubernetes.io/component: {{ . }}
{{- end }}

{{- define "thinpool.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The user name of a component's service account, as RBAC and admission see it. */}}
{{- define "thinpool.serviceAccountUser" -}}
system:serviceaccount:{{ .root.Release.Namespace }}:thinpool-{{ .component }}
{{- end }}
