#!/bin/sh
# Build the guest initramfs; see build-initramfs.py --help.
#   images/build-initramfs.sh BUILDDIR [--output FILE] [--add HOST[:GUEST]]... [--stock-modules KVER]
exec python3 "$(dirname "$0")/build-initramfs.py" "$@"
