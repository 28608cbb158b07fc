#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian/Ubuntu machine: system packages, virtualenv, the package.
#   scripts/setup.sh          what the pipeline needs (Tesseract fra+eng, Python venv)
#   scripts/setup.sh --test   plus what the tests need (PostgreSQL and Redis servers to start throw-away ones)
set -euo pipefail
cd "$(dirname "$0")/.."

want=(tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng python3 python3-venv python3-dev
      build-essential pkg-config libtesseract-dev libleptonica-dev fonts-dejavu-core fonts-liberation
      fonts-freefont-ttf)
[ "${1:-}" = "--test" ] && want+=(postgresql redis-server)

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

py=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$py" -m venv .venv
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing the Python package into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test,samples]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
