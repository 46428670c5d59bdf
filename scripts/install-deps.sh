#!/usr/bin/env bash
# Installs the Debian packages Taoscope's build and tests need (run as root, or with sudo).
# - Xvfb + Mesa + the X11 client libraries eframe loads at run time: GUI screenshot tests.
# - dbus + gnome-keyring: the OS keychain tests (a real Secret Service).
set -euo pipefail
packages=(
  xvfb libgl1-mesa-dri libegl1 libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0
  dbus gnome-keyring
  fonts-dejavu-core
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
