#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Packaging smoke test: build the Debian packages (debian/) and the RPMs
# (fadump.spec) of this tree, install each set and check that what got
# installed works. Run from the top of the source tree (tests/run-all.sh
# does). One line per check, "ok - ..." or "not ok - ...", then
# "N passed, N failed"; exits non-zero when a check failed.
#
# What is built is the COMMITTED tree: the Debian packages from
# "git archive HEAD", the RPMs from the "meson dist" tarball, which also
# archives HEAD. Uncommitted changes are not packaged (outside git, the
# working tree is copied instead and the tarball made with tar).
#
# Needs root: the .debs are installed on this machine with dpkg and
# purged again on exit (also on failure or interruption); the script
# refuses to touch libfadump packages that were installed before it ran.
# The RPMs go into a scratch root (rpm --root DIR --nodeps --noscripts:
# Debian's rpm has no database of the host's packages, and an empty root
# has no /sbin/ldconfig for the scriptlets to run).
#
# The package builds skip their test suites (DEB_BUILD_OPTIONS=nocheck,
# rpmbuild --without check): tests/run-all.sh runs the same suites on
# the same tree; --with-tests runs them inside both builds too.

set -u

with_tests=0
for arg; do
	case $arg in
	--with-tests) with_tests=1 ;;
	-h|--help)
		echo "usage: packaging/smoke-test.sh [--with-tests]"
		exit 0 ;;
	*)
		echo "packaging/smoke-test.sh: unknown argument '$arg'" >&2
		exit 2 ;;
	esac
done

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir" || exit 2
start=$(date +%s)

pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "ok - $*"
}
not_ok() {
	fail=$((fail + 1))
	echo "not ok - $*"
}
# note FILE: show the end of a log under a failed check
note() {
	tail -n "${2:-25}" "$1" | sed 's/^/#   /'
}
# check DESCRIPTION COMMAND...: one line for COMMAND's outcome, its
# output under the line when it failed
check() {
	desc=$1
	shift
	if "$@" >"$work/check.log" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		note "$work/check.log"
	fi
}
finish() {
	echo "# $(($(date +%s) - start)) s"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}
skip_all() {
	echo "packaging/smoke-test.sh: $*: not run"
	echo "0 passed, 0 failed"
	exit 0
}

# --- can this machine do it at all? ------------------------------------

missing=
for tool in dpkg-buildpackage dh lintian dpkg rpmbuild rpm meson ninja \
	    pkg-config cc python3 tar xz man; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] ||
	skip_all "missing$missing (scripts/install-deps.sh installs them)"
[ "$(id -u)" -eq 0 ] ||
	skip_all "needs root to install and purge the Debian packages"

debs="libfadump1 libfadump-dev fadumpctl python3-fadump"
preinstalled=
for p in $debs; do
	if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null |
			grep -qv '^not-installed$'; then
		preinstalled="$preinstalled $p"
	fi
done
[ -z "$preinstalled" ] ||
	skip_all "already installed here:$preinstalled (purge them first; this test does not replace them)"

work=$(mktemp -d "${TMPDIR:-/tmp}/fadump-pkg.XXXXXX") || exit 2
installed=0
cleanup() {
	if [ "$installed" -eq 1 ]; then
		# shellcheck disable=SC2086
		dpkg --purge $debs >"$work/purge.log" 2>&1 ||
			{ echo "# purge failed:"; note "$work/purge.log"; }
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The distribution's python3 and meson, not a virtualenv's or pyenv's
# found earlier on PATH: the packages are built for /usr/bin/python3.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV LD_LIBRARY_PATH PKG_CONFIG_PATH

# --- the tree to package ------------------------------------------------

mkdir "$work/src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "# packaging git HEAD $(git rev-parse --short HEAD)"
	[ -z "$(git status --porcelain --untracked-files=no)" ] ||
		echo "# (the working tree has uncommitted changes: they are not packaged)"
	git archive HEAD | tar -x -C "$work/src"
	from_git=1
else
	echo "# not a git checkout: packaging a copy of the working tree"
	tar -c --exclude='./build*' --exclude='./obj-*' . | tar -x -C "$work/src"
	from_git=0
fi
src=$work/src

version=$(meson introspect --projectinfo "$src/meson.build" 2>/dev/null |
	  python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
deb_version=$(cd "$src" && dpkg-parsechangelog -S Version)
spec_version=$(sed -n 's/^Version:[[:space:]]*//p' "$src/fadump.spec")
if [ -n "$version" ] && [ "${deb_version%-*}" = "$version" ] &&
		[ "$spec_version" = "$version" ]; then
	ok "version $version in meson.build, debian/changelog ($deb_version) and fadump.spec"
else
	not_ok "versions disagree: meson.build '$version', debian/changelog '$deb_version', fadump.spec '$spec_version'"
fi

check "debian/libfadump1.symbols is up to date with libfadump/libfadump.sym" \
	python3 "$src/packaging/gen-symbols.py" --check \
		"$src/debian/libfadump1.symbols" "$src/libfadump/libfadump.sym"

# A fixture root the C program, fadumpctl and the Python module all read.
fixture=$src/tests/data/roots/qemu-7.2-le-capture
fixture_registered=$src/tests/data/roots/qemu-7.2-le-registered
for d in "$fixture" "$fixture_registered"; do
	[ -d "$d" ] || { not_ok "fixture root $d missing"; finish; }
done

# cli_status FADUMPCTL: the fixture's status as that fadumpctl reports
# it, in smoke-libfadump's output format; the C API and the Python module
# must report the same.
cli_status() {
	"$@" --root "$fixture" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print("platform=%s dump_active=%d" % (s["platform"], s["dump_active"]))'
}

# pip_check: what a Python user does on a machine with libfadump-dev:
# "pip install" of this tree (pyproject.toml, meson-python) in a fresh
# virtual environment builds the bindings alone against the installed
# library (pkg-config). Offline, so with the system's meson-python
# (--system-site-packages, --no-build-isolation); python3-fadump is
# installed too, so the import must be shown to come from the venv.
pip_check() {
	venv=$work/venv
	if ! /usr/bin/python3 -m venv --system-site-packages "$venv" >"$work/pip.log" 2>&1; then
		not_ok "pip: python3 -m venv (python3-venv)"
		note "$work/pip.log"
		return
	fi
	# the source tree as committed (pip builds out of a copy of it)
	if "$venv/bin/pip" install --no-build-isolation --no-index --no-cache-dir \
			"$src" >>"$work/pip.log" 2>&1; then
		ok "pip: pip install of the source tree in a fresh venv"
	else
		not_ok "pip: pip install of the source tree in a fresh venv"
		note "$work/pip.log" 40
		return
	fi
	vsite=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("platlib"))')
	if got=$(cd "$work" && "$venv/bin/python" -c '
import sys, fadump, fadump._fadump as ext
st = fadump.System(root=sys.argv[1]).status()
print(fadump.__version__, fadump.__file__)
print(ext.__file__)
print("platform=%s dump_active=%d" % (st.platform, st.dump_active))
' "$fixture" 2>"$work/pip-py.log") &&
	   want=$(cli_status /usr/sbin/fadumpctl 2>>"$work/pip-py.log") &&
	   [ "$(echo "$got" | sed -n 1p)" = "$version $vsite/fadump/__init__.py" ] &&
	   [ "$(echo "$got" | sed -n 3p)" = "$want" ]; then
		ok "pip: the venv imports fadump $version from its own site-packages and reads a status"
	else
		not_ok "pip: import fadump in the venv: got '$got', expected '$version $vsite/fadump/__init__.py' and '${want:-}'"
		note "$work/pip-py.log"
		return
	fi
	# the extension was built against the system library, not a copy
	ext=$(echo "$got" | sed -n 2p)
	lib=$(ldd "$ext" | sed -n 's/.*libfadump\.so\.1 => \([^ ]*\).*/\1/p')
	if [ -n "$lib" ] && [ "$(readlink -f "$lib")" = \
			"$(readlink -f "/usr/lib/$multiarch/libfadump.so.1")" ]; then
		ok "pip: the venv's extension loads the installed /usr/lib/$multiarch/libfadump.so.1"
	else
		not_ok "pip: the venv's extension $ext loads libfadump.so.1 from '$lib'"
	fi
	if "$venv/bin/python" -m pip show -f fadump 2>/dev/null | grep -q 'libfadump\.so'; then
		not_ok "pip: the wheel carries a copy of libfadump.so"
	else
		ok "pip: the wheel carries no copy of libfadump.so"
	fi
}

# run_checks LABEL PREFIX SBIN MANPATH UNITDIR UDEVDIR COMPLETION SITE LIBDIR
# The same checks on either installation, PREFIX ("" or the scratch root)
# being the prefix of the other paths; the caller sets up the
# environment (LD_LIBRARY_PATH, PYTHONPATH, PKG_CONFIG_*) that makes
# the installed files the ones used.
run_checks() {
	label=$1 pfx=$2 sbin=$3 manpath=$4 unitdir=$5 udevdir=$6
	completion=$7 site=$8 libdir=$9

	out=$("$sbin/fadumpctl" --version 2>&1)
	if [ "$out" = "fadumpctl $version" ]; then
		ok "$label: fadumpctl --version prints $version"
	else
		not_ok "$label: fadumpctl --version printed '$out', expected 'fadumpctl $version'"
	fi

	prog=$work/smoke-libfadump-$label
	# shellcheck disable=SC2046
	if cc -Wall -Werror -o "$prog" "$src/packaging/smoke-libfadump.c" \
			$(pkg-config --cflags --libs fadump) \
			>"$work/cc.log" 2>&1; then
		ok "$label: a program builds with pkg-config --cflags --libs fadump"
		# ld.so may name the library by the /lib path of a merged /usr.
		lib=$(ldd "$prog" | sed -n 's/.*libfadump\.so\.1 => \([^ ]*\).*/\1/p')
		if [ -n "$lib" ] && [ "$(readlink -f "$lib")" = \
				"$(readlink -f "$libdir/libfadump.so.1")" ]; then
			ok "$label: it loads ${libdir#"$pfx"}/libfadump.so.1"
		else
			not_ok "$label: it loads libfadump.so.1 from '$lib', not $libdir"
		fi
		if got=$("$prog" "$version" "$fixture" 2>"$work/prog.log") &&
				want=$(cli_status "$sbin/fadumpctl" 2>>"$work/prog.log") &&
				[ "$got" = "$want" ]; then
			ok "$label: fadump_version(), fadump_ctx_new() and fadump_status_read() work ($got)"
		else
			not_ok "$label: the C API program: '$got', fadumpctl: '${want:-}'"
			note "$work/prog.log"
		fi
	else
		not_ok "$label: a program builds with pkg-config --cflags --libs fadump"
		note "$work/cc.log"
	fi

	if got=$(python3 -c '
import sys, fadump
st = fadump.System(root=sys.argv[1]).status()
print(fadump.__version__, fadump.__file__)
print("platform=%s dump_active=%d" % (st.platform, st.dump_active))
' "$fixture" 2>"$work/py.log") &&
	   want=$(cli_status "$sbin/fadumpctl" 2>>"$work/py.log") &&
	   [ "$got" = "$version $site/fadump/__init__.py
$want" ]; then
		ok "$label: python3 imports fadump $version from ${site#"$pfx"} and reads a status"
	else
		not_ok "$label: python3 -c 'import fadump': got '$got', expected '$version $site/fadump/__init__.py' and '${want:-}'"
		note "$work/py.log"
	fi

	for page in fadumpctl.8 fadump.conf.5 libfadump.3 fadump_ctx.3 \
		    fadump_register.3 fadump_vmcore_save.3; do
		name=${page%.*} sect=${page##*.}
		if path=$(man -M "$manpath" -w "$sect" "$name" 2>/dev/null) &&
				[ -n "$path" ]; then
			ok "$label: man $sect $name finds ${path#"$manpath"/}"
		else
			not_ok "$label: man $sect $name: no page under $manpath"
		fi
	done

	for unit in fadump-register.service fadump-reregister.service \
		    fadump-save.service; do
		if [ -f "$unitdir/$unit" ] &&
				grep -q "^ExecStart=.*/usr/sbin/fadumpctl " "$unitdir/$unit"; then
			ok "$label: ${unitdir#"$pfx"}/$unit runs /usr/sbin/fadumpctl"
		else
			not_ok "$label: ${unitdir#"$pfx"}/$unit missing or not running /usr/sbin/fadumpctl"
		fi
	done
	check "$label: udev rule ${udevdir#"$pfx"}/90-fadump.rules" \
		test -s "$udevdir/90-fadump.rules"
	check "$label: bash completion loads and completes fadumpctl" \
		bash -c '. "$1" && complete -p fadumpctl' sh "$completion"

	# reregister reads the configuration (bootargs_append) before it
	# writes anything, and stops on a configuration error: exit 0 and
	# nothing on stderr means the shipped file parses.
	rm -rf "$work/cfgroot"
	cp -a "$fixture_registered" "$work/cfgroot"
	if "$sbin/fadumpctl" --config "$pfx/etc/fadump.conf" \
			--root "$work/cfgroot" reregister >"$work/cfg.log" 2>"$work/cfg.err" &&
			[ ! -s "$work/cfg.err" ]; then
		ok "$label: fadumpctl --config /etc/fadump.conf reregister accepts the shipped file"
	else
		not_ok "$label: fadumpctl --config /etc/fadump.conf reregister (on a copy of a fixture root)"
		note "$work/cfg.err"
	fi
}

# --- Debian ------------------------------------------------------------

echo "# Debian packages (dpkg-buildpackage -b)"
if [ "$with_tests" -eq 1 ]; then
	build_opts="parallel=2"
	profiles=
else
	build_opts="nocheck parallel=2"
	profiles="-Pnocheck"
fi
deb_built=0
if ! (cd "$src" && dpkg-checkbuilddeps $profiles) >"$work/deps.log" 2>&1; then
	not_ok "Debian build dependencies are installed"
	note "$work/deps.log"
elif (cd "$src" && DEB_BUILD_OPTIONS=$build_opts \
		dpkg-buildpackage -us -uc -b $profiles) >"$work/deb.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b (dh_missing, dpkg-gensymbols -c4)"
	deb_built=1
else
	not_ok "dpkg-buildpackage -us -uc -b"
	note "$work/deb.log" 40
fi

if [ "$deb_built" -eq 1 ]; then
	changes=$(ls "$work"/libfadump_*.changes)
	lintian --display-info "$changes" >"$work/lintian.log" 2>&1
	sed -i '/^running with root privileges is not recommended/d' "$work/lintian.log"
	if grep -q '^E: ' "$work/lintian.log"; then
		not_ok "lintian: no errors"
		grep '^E: ' "$work/lintian.log" | sed 's/^/#   /'
	else
		ok "lintian: no errors"
	fi
	# Every warning kept is overridden with a reason (debian/*.lintian-overrides).
	if grep -q '^W: ' "$work/lintian.log"; then
		not_ok "lintian: no warnings without an override"
		grep '^W: ' "$work/lintian.log" | sed 's/^/#   /'
	else
		ok "lintian: no warnings without an override"
	fi
	grep '^[IP]: ' "$work/lintian.log" | sed 's/^/# lintian /'

	set --
	for p in $debs; do
		set -- "$@" "$work/${p}_${deb_version}_$(dpkg --print-architecture).deb"
	done
	installed=1
	if dpkg -i "$@" >"$work/install.log" 2>&1; then
		ok "dpkg -i $debs"
		multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
		run_checks deb "" /usr/sbin /usr/share/man /lib/systemd/system \
			/lib/udev/rules.d \
			/usr/share/bash-completion/completions/fadumpctl \
			/usr/lib/python3/dist-packages "/usr/lib/$multiarch"

		if dpkg-query -W -f='${Conffiles}\n' fadumpctl | grep -q '^ /etc/fadump.conf '; then
			ok "deb: /etc/fadump.conf is a conffile"
		else
			not_ok "deb: /etc/fadump.conf is not a conffile of fadumpctl"
		fi
		for unit in fadump-register.service fadump-save.service; do
			if ls /etc/systemd/system/*.wants/"$unit" >/dev/null 2>&1; then
				ok "deb: $unit is enabled by the postinst"
			else
				not_ok "deb: $unit is not enabled after installation"
			fi
		done
		pip_check
	else
		not_ok "dpkg -i $debs"
		note "$work/install.log"
	fi

	# shellcheck disable=SC2086
	if dpkg --purge $debs >"$work/purge.log" 2>&1; then
		installed=0
		left=$(ls -d /etc/fadump.conf /etc/systemd/system/*.wants/fadump-* \
			/usr/sbin/fadumpctl /usr/include/fadump.h \
			/usr/lib/python3/dist-packages/fadump 2>/dev/null)
		if [ -z "$left" ]; then
			ok "dpkg --purge leaves nothing behind"
		else
			not_ok "dpkg --purge left:" $left
		fi
	else
		not_ok "dpkg --purge $debs"
		note "$work/purge.log"
	fi
fi

# --- RPM ---------------------------------------------------------------

echo "# RPMs (rpmbuild -ba on the meson dist tarball)"
mkdir -p "$work/rpm/SOURCES"
tarball=libfadump-$version.tar.xz
if [ "$from_git" -eq 1 ]; then
	# meson dist archives HEAD whatever the working tree holds.
	if meson setup "$work/dist-build" -Dtests=false -Dpython=disabled \
			-Dman=disabled >"$work/dist.log" 2>&1 &&
	   meson dist -C "$work/dist-build" --no-tests --formats xztar \
			--allow-dirty >>"$work/dist.log" 2>&1 &&
	   cp "$work/dist-build/meson-dist/$tarball" "$work/rpm/SOURCES/"; then
		ok "meson dist made $tarball"
	else
		not_ok "meson dist made $tarball"
		note "$work/dist.log"
	fi
else
	tar -c -J -f "$work/rpm/SOURCES/$tarball" -C "$work" \
		--transform "s,^src,libfadump-$version," src
fi

# --- Debian source package -----------------------------------------------

# 3.0 (quilt): the meson dist tarball is the orig tarball (debian/README.source).
if [ -f "$work/rpm/SOURCES/$tarball" ]; then
	echo "# Debian source package (dpkg-buildpackage -S)"
	mkdir "$work/dsc"
	cp "$work/rpm/SOURCES/$tarball" "$work/dsc/libfadump_$version.orig.tar.xz"
	if tar -x -C "$work/dsc" -f "$work/dsc/libfadump_$version.orig.tar.xz" &&
	   (cd "$work/dsc/libfadump-$version" && dpkg-buildpackage -S -us -uc -d) \
			>"$work/dsc.log" 2>&1 &&
	   [ -f "$work/dsc/libfadump_$deb_version.dsc" ]; then
		ok "dpkg-buildpackage -S: libfadump_$deb_version.dsc on the orig tarball"
		lintian "$work/dsc/libfadump_${deb_version}_source.changes" \
			>"$work/lintian-source.log" 2>&1
		sed -i '/^running with root privileges is not recommended/d' \
			"$work/lintian-source.log"
		if grep -q '^[EW]: ' "$work/lintian-source.log"; then
			not_ok "lintian on the source package: no errors, no warnings without an override"
			grep '^[EW]: ' "$work/lintian-source.log" | sed 's/^/#   /'
		else
			ok "lintian on the source package: no errors, no warnings without an override"
		fi
	else
		not_ok "dpkg-buildpackage -S on the orig tarball"
		note "$work/dsc.log" 40
	fi
fi

rpm_built=0
if [ -f "$work/rpm/SOURCES/$tarball" ]; then
	if [ "$with_tests" -eq 1 ]; then check_opt="--with check"; else check_opt="--without check"; fi
	# --nodeps: BuildRequires name Fedora packages, which Debian's rpm
	# cannot see; the Debian build dependencies checked above are the same.
	# shellcheck disable=SC2086
	if rpmbuild -ba --nodeps $check_opt --define "_topdir $work/rpm" \
			"$src/fadump.spec" >"$work/rpmbuild.log" 2>&1; then
		ok "rpmbuild -ba fadump.spec"
		rpm_built=1
	else
		not_ok "rpmbuild -ba fadump.spec"
		note "$work/rpmbuild.log" 40
	fi
fi

if [ "$rpm_built" -eq 1 ]; then
	root=$work/rpmroot
	arch=$(rpm --eval '%{_arch}')
	set --
	for p in libfadump libfadump-devel fadumpctl python3-fadump; do
		set -- "$@" "$work/rpm/RPMS/$arch/$p-$version-1.$arch.rpm"
	done
	if ls "$work/rpm/SRPMS/libfadump-$version-1.src.rpm" "$@" >"$work/rpms.log" 2>&1; then
		ok "rpmbuild made the source RPM and libfadump, libfadump-devel, fadumpctl, python3-fadump"
	else
		not_ok "rpmbuild made the expected RPMs"
		note "$work/rpms.log"
	fi
	mkdir -p "$root"
	if rpm --root "$root" --initdb >"$work/rpmi.log" 2>&1 &&
	   rpm --root "$root" --nodeps --noscripts -i "$@" >>"$work/rpmi.log" 2>&1 &&
	   [ "$(rpm --root "$root" -qa | wc -l)" -eq 4 ]; then
		ok "rpm --root DIR --nodeps -i installs the four packages"
		libdir=$root$(rpm --eval '%{_libdir}')
		site=$(rpm -qlp "$work/rpm/RPMS/$arch/python3-fadump-$version-1.$arch.rpm" |
		       sed -n 's,/fadump/__init__\.py$,,p')
		unitdir=$root$(rpm --eval '%{_prefix}')/lib/systemd/system
		udevdir=$root$(rpm --eval '%{_prefix}')/lib/udev/rules.d
		LD_LIBRARY_PATH=$libdir PYTHONPATH=$root$site \
		PKG_CONFIG_LIBDIR=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
		export LD_LIBRARY_PATH PYTHONPATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
		run_checks rpm "$root" "$root/usr/sbin" "$root/usr/share/man" "$unitdir" \
			"$udevdir" "$root/usr/share/bash-completion/completions/fadumpctl" \
			"$root$site" "$libdir"
		unset LD_LIBRARY_PATH PYTHONPATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
		if rpm --root "$root" -qc fadumpctl | grep -qx /etc/fadump.conf; then
			ok "rpm: /etc/fadump.conf is %config"
		else
			not_ok "rpm: /etc/fadump.conf is not %config in fadumpctl"
		fi
	else
		not_ok "rpm --root DIR --nodeps -i installs the four packages"
		note "$work/rpmi.log"
	fi
fi

finish
