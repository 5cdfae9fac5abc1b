#!/usr/bin/env bash
# Installs the system libraries agent-dedup builds against, if they are missing (Debian / Ubuntu).
# Usage: scripts/bootstrap.sh [extra-debian-package ...]
set -euo pipefail

packages=(libopenblas-dev libsqlite3-dev pkg-config "$@")
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
