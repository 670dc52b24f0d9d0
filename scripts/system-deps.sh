#!/usr/bin/env bash
# System packages Buddy Desk needs at run and test time (Debian/Ubuntu). Installs only what
# is missing, and only when it can (root or passwordless sudo); otherwise it says what to do.
#   --bench   also LibreOffice (make bench): the floor the letter runs are measured against.
#             Large, so never for run or test; when it cannot be installed the letter
#             benchmark says LibreOffice is absent instead of giving a figure.
set -euo pipefail

bench=false
for arg in "$@"; do
  case "$arg" in
    --bench) bench=true ;;
    *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
  esac
done

need=()
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)

# Every shared library Qt's xcb platform plugin needs outside the PySide6 wheel: the NEEDED
# entries of Qt/plugins/platforms/libqxcb.so, Qt/lib/libQt6XcbQpa.so.6, the xcb GL
# integrations and libQt6{Core,Gui,Widgets,PrintSupport,DBus}.so.6 (objdump -p | grep NEEDED),
# each mapped to its package with dpkg -S. libxcb-cursor is what Qt ≥ 6.5 names when *any*
# of them is missing ("xcb-cursor0 or libxcb-cursor0 is needed"), whatever the real culprit.
# The offscreen plugin (tests) needs the fontconfig/EGL/xkbcommon part of this list too.
qt_libs=(
  libX11.so.6:libx11-6
  libX11-xcb.so.1:libx11-xcb1
  libxcb.so.1:libxcb1
  libxcb-cursor.so.0:libxcb-cursor0
  libxcb-glx.so.0:libxcb-glx0
  libxcb-icccm.so.4:libxcb-icccm4
  libxcb-image.so.0:libxcb-image0
  libxcb-keysyms.so.1:libxcb-keysyms1
  libxcb-randr.so.0:libxcb-randr0
  libxcb-render.so.0:libxcb-render0
  libxcb-render-util.so.0:libxcb-render-util0
  libxcb-shape.so.0:libxcb-shape0
  libxcb-shm.so.0:libxcb-shm0
  libxcb-sync.so.1:libxcb-sync1
  libxcb-util.so.1:libxcb-util1
  libxcb-xfixes.so.0:libxcb-xfixes0
  libxcb-xkb.so.1:libxcb-xkb1
  libxkbcommon.so.0:libxkbcommon0
  libxkbcommon-x11.so.0:libxkbcommon-x11-0
  libEGL.so.1:libegl1
  libGL.so.1:libgl1
  libfontconfig.so.1:libfontconfig1
  libfreetype.so.6:libfreetype6
  libdbus-1.so.3:libdbus-1-3
  libglib-2.0.so.0:libglib2.0-0
)
# ldconfig lives in /sbin, which is not on a normal user's PATH on Debian
known_libs=$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null | awk '{print $1}' || true)
for entry in "${qt_libs[@]}"; do
  grep -qxF "${entry%%:*}" <<<"$known_libs" || need+=("${entry#*:}")
done
# Qt draws no text without a font; fontconfig usually pulls one in, a minimal image may not
compgen -G "/usr/share/fonts/truetype/*/*.ttf" >/dev/null || need+=(fonts-dejavu-core)
# The xcb smoke tests (scripts/smoke_xcb.py, .ci/run): a virtual display and xwininfo
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xwininfo >/dev/null 2>&1 || need+=(x11-utils)
if [ "${CI:-}" = "true" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi

# Once PySide6 is installed, ask the loader itself: anything "not found" here means the list
# above needs a new line (a newer Qt); say so rather than let the app fail at start.
check_qxcb() {
  local venv="${VENV:-.venv}" missing
  local plugins=("$venv"/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so)
  [ -e "${plugins[0]}" ] || return 0
  missing=$(ldd "${plugins[0]}" "$(dirname "${plugins[0]}")"/../../lib/libQt6XcbQpa.so.6 \
    2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo "Qt's xcb plugin still misses: $missing— add them to scripts/system-deps.sh" >&2
  fi
}

optional=()
if $bench && ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  optional+=(libreoffice-writer-nogui)
fi

if [ ${#need[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ]; then check_qxcb; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${need[*]} ${optional[*]} (system packages)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "Missing system packages: ${need[*]} ${optional[*]} — install them with:" \
      "sudo apt-get install ${need[*]} ${optional[*]}" >&2
    exit 0
  fi
fi
$SUDO apt-get update -qq || [ ${#need[@]} -eq 0 ]
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ${#optional[@]} -gt 0 ]; then
  echo "Installing for the benchmarks: ${optional[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${optional[@]}" >/dev/null ||
    echo "Could not install ${optional[*]}: the letter benchmark will say LibreOffice is absent" >&2
fi
check_qxcb
