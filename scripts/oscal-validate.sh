#!/usr/bin/env bash
# Validate OSCAL JSON documents with NIST-schema-derived models: compliance-trestle (PyPI),
# pinned, installed once into a venv under $HOME/.cache (idempotent; safe to run repeatedly).
#
#   scripts/oscal-validate.sh FILE...     validate each file (component-definition or assessment-results)
#   scripts/oscal-validate.sh --install   only make sure trestle is installed
#
# Each file is copied into a fresh temporary trestle workspace and checked with
# `trestle validate -f`, which loads it through trestle's OSCAL models (pydantic, generated
# from the NIST OSCAL JSON schema) and runs trestle's validators (duplicate UUIDs, references).
# Exit status: 0 all valid, 1 a file is invalid, 2 usage or installation problem.
set -euo pipefail

TRESTLE_VERSION=5.2.0
VENV="${HOME}/.cache/govstack-blueprint/trestle-${TRESTLE_VERSION}"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "${VENV}/bin/python" ]] || ! "${VENV}/bin/python" -c "import trestle" 2>/dev/null; then
  echo "oscal-validate: installing compliance-trestle ${TRESTLE_VERSION} into ${VENV}" >&2
  mkdir -p "$(dirname "${VENV}")"
  tmp="${VENV}.tmp-$$"
  rm -rf "${tmp}"
  "${PYTHON}" -m venv "${tmp}" || { echo "oscal-validate: cannot create a venv with ${PYTHON}" >&2; exit 2; }
  "${tmp}/bin/pip" install --quiet --disable-pip-version-check "compliance-trestle==${TRESTLE_VERSION}" >&2 || { echo "oscal-validate: pip install failed" >&2; rm -rf "${tmp}"; exit 2; }
  # Move into place only when complete, so an interrupted install is retried next time.
  rm -rf "${VENV}"
  mv "${tmp}" "${VENV}"
  # The venv's scripts carry the temporary path in their shebang: run trestle through python.
fi
TRESTLE=("${VENV}/bin/python" -m trestle)
"${TRESTLE[@]}" version >/dev/null 2>&1 || { echo "oscal-validate: trestle in ${VENV} does not run" >&2; exit 2; }

if [[ "${1:-}" == "--install" ]]; then
  exit 0
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 FILE... | --install" >&2
  exit 2
fi

status=0
for file in "$@"; do
  if [[ ! -f "${file}" ]]; then
    echo "oscal-validate: ${file}: no such file" >&2
    status=1
    continue
  fi
  file=$(realpath "${file}")
  kind=$("${VENV}/bin/python" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next(iter(d)) if len(d)==1 else "")' "${file}" 2>/dev/null || true)
  case "${kind}" in
    component-definition) folder=component-definitions ;;
    assessment-results) folder=assessment-results ;;
    assessment-plan) folder=assessment-plans ;;
    system-security-plan) folder=system-security-plans ;;
    catalog) folder=catalogs ;;
    profile) folder=profiles ;;
    *)
      echo "oscal-validate: ${file}: not an OSCAL JSON document (one root key naming the model)" >&2
      status=1
      continue
      ;;
  esac
  workspace=$(mktemp -d)
  (
    cd "${workspace}"
    "${TRESTLE[@]}" init >/dev/null
    mkdir -p "${folder}/doc"
    cp "${file}" "${folder}/doc/${kind}.json"
  )
  if (cd "${workspace}" && "${TRESTLE[@]}" validate -f "${folder}/doc/${kind}.json"); then
    echo "oscal-validate: ${file}: valid ${kind} (compliance-trestle ${TRESTLE_VERSION})"
  else
    echo "oscal-validate: ${file}: INVALID ${kind}" >&2
    status=1
  fi
  rm -rf "${workspace}"
done
exit "${status}"
