#!/usr/bin/env bash
# Installs what the tests need when it is missing: moto's server (Python) and
# redis-server (Debian). Used by `make test` and .ci/run. Fails loudly: a
# missing dependency must never turn into skipped tests.
set -euo pipefail

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

have_moto() {
  command -v moto_server >/dev/null 2>&1 || python3 -c 'import moto.server' >/dev/null 2>&1
}
if ! have_moto; then
  echo "deps: moto_server missing; installing moto[server] with pip" >&2
  command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1 || apt_install python3 python3-pip
  # A distribution's own Python may refuse pip installs (PEP 668) unless told.
  python3 -m pip install --quiet 'moto[server]>=5,<6' \
    || python3 -m pip install --quiet --user --break-system-packages 'moto[server]>=5,<6' \
    || { echo "deps: cannot install moto[server]" >&2; exit 1; }
  export PATH="$PATH:$(python3 -m site --user-base)/bin"
fi
have_moto || { echo "deps: moto_server still not available" >&2; exit 1; }

if ! command -v redis-server >/dev/null 2>&1; then
  echo "deps: redis-server missing; installing the Debian package" >&2
  apt_install redis-server || { echo "deps: cannot install redis-server" >&2; exit 1; }
fi
command -v redis-server >/dev/null 2>&1 || { echo "deps: redis-server still not available" >&2; exit 1; }
python3 -c 'import boto3' >/dev/null 2>&1 || { echo "deps: python3 boto3 missing (it comes with moto)" >&2; exit 1; }
