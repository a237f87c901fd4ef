#!/usr/bin/env bash
# driver-build-project: the module built against the project's kernel
# (meson built it as a dependency) is a module for exactly that kernel.
#   check-module.sh MODULE.ko KERNEL_BUILD_DIR
set -euo pipefail
ko=$1 kdir=$2
release=$(cat "$kdir/include/config/kernel.release")
vermagic=$(modinfo -F vermagic "$ko")
case "$vermagic" in
  "$release "*) ;;
  *) echo "check-module: $ko is for '$vermagic', the kernel is $release" >&2; exit 1 ;;
esac
license=$(modinfo -F license "$ko")
[[ "$license" == GPL* ]] || { echo "check-module: license '$license'" >&2; exit 1; }
alias=$(modinfo -F alias "$ko")
grep -qi 'v00001AF4d000010F0' <<<"$alias" ||
  { echo "check-module: no PCI alias for 1af4:10f0 in: $alias" >&2; exit 1; }
echo "check-module: $ko: vermagic '$vermagic', license $license"
