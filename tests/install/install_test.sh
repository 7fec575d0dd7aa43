#!/usr/bin/env bash
# The installed tree, used as a user would, away from the source tree:
#   install_test.sh SOURCE_DIR BUILD_DIR
# installs into a temporary prefix, moves it, and there: renders with the
# default and a named template (gbt9704's 方正小标宋简体 through fontconfig,
# in the backends module), imports a Word file and a web page (the backends
# module too), checks that the program itself links none of the backends'
# libraries and that without the module it renders report JSON and names
# the missing module for a Word file, lists the templates, shows the manual, runs
# the bash completion, compiles examples/render.c against the installed
# library through pkg-config (shared and static) and a program whose own
# names are the library's internal ones; then builds the .deb with CPack,
# unpacks it and renders with what it holds; `make install PREFIX=` and
# `make uninstall` leave no file behind.
set -uo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
check() { # DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@" >"$tmp/out" 2>"$tmp/err"; then ok; else bad "$what"; sed 's/^/    /' "$tmp/err" | head -20 >&2; fi
}
unset BRIEFING_DATA_DIR
export SOURCE_DATE_EPOCH=1700000000
report=$src/input/hengshan-2021.json

cmake --install "$build" --prefix "$tmp/p" >/dev/null || { echo "FAIL: cmake --install" >&2; exit 1; }
mv "$tmp/p" "$tmp/q"
q=$tmp/q
libdir=$(cd "$q" && ls -d lib*/ | head -1)
libdir=$q/${libdir%/}
[ -f "$libdir/libbriefing.so" ] || libdir=$(dirname "$(find "$q" -name libbriefing.so | head -1)")
for f in bin/briefing include/briefing/briefing.h share/briefing/templates/briefing.json \
         share/briefing/templates/gbt9704.json share/briefing/fonts/fonts.json \
         share/man/man1/briefing.1 share/bash-completion/completions/briefing; do
    [ -e "$q/$f" ] && ok || bad "not installed: $f"
done
for f in libbriefing.so libbriefing.a pkgconfig/briefing.pc briefing/briefing-mail.so briefing/briefing-serve.so \
         briefing/briefing-backends.so; do
    [ -e "$libdir/$f" ] && ok || bad "not installed: $libdir/$f"
done
# nothing of the source tree is needed: run from an empty folder
mkdir "$tmp/work" && cd "$tmp/work"
check "render with the moved tree" "$q/bin/briefing" render "$report" -o a.pdf
check "the PDF reads" pdfinfo a.pdf
check "render -t gbt9704 by name" "$q/bin/briefing" render "$report" -t gbt9704 -o b.pdf
# the backends module, loaded from the moved tree: a Word file and a web page
# imported, rendered; gbt9704 names a family fonts.json lacks (fontconfig)
docx=$src/tests/import/corpus/qingbo-jiedao-2023.docx
html=$src/tests/import/corpus/jinghai-qu-2020.html
check "import a .docx with the moved tree" "$q/bin/briefing" import "$docx" -o docx.json
cmp -s docx.json <("$build/briefing" import "$docx" -o - 2>/dev/null) && ok || bad "the installed import of a .docx differs from the build tree's"
check "render a .docx with the moved tree" "$q/bin/briefing" render "$docx" -o docx.pdf
check "render a .html with the moved tree" "$q/bin/briefing" render "$html" -o html.pdf
check "its PDF reads" pdfinfo docx.pdf
"$q/bin/briefing" render "$report" -t gbt9704 -o g.pdf 2>"$tmp/gerr" && ! grep -q "cannot" "$tmp/gerr" && ok ||
    bad "render -t gbt9704 (fontconfig through the backends module): $(head -3 "$tmp/gerr")"
ldd "$q/bin/briefing" | grep -E "libxml2|libzip|libicui18n|libfontconfig" >"$tmp/ldd" && bad "the program links $(cat "$tmp/ldd")" || ok
# without the module: report JSON still renders; a Word file is a clear error naming it
mkdir -p "$tmp/lone" && cp "$q/bin/briefing" "$tmp/lone/"
check "render JSON without the backends module" env XDG_DATA_DIRS="$q/share" "$tmp/lone/briefing" render "$report" -o lone.pdf
env XDG_DATA_DIRS="$q/share" "$tmp/lone/briefing" render "$docx" -o lone2.pdf 2>"$tmp/lerr"; st=$?
[ $st -ne 0 ] && grep -q "briefing-backends.so" "$tmp/lerr" && [ ! -e lone2.pdf ] && ok ||
    bad "a .docx without the backends module: status $st, $(head -3 "$tmp/lerr")"
# a text report needs the module only for its id's readings: imported, with
# a warning saying so, and the id without them
txt=$src/tests/import/seeds/hengshan-2021.txt
env XDG_DATA_DIRS="$q/share" "$tmp/lone/briefing" import "$txt" -o lone.json 2>"$tmp/lerr"; st=$?
[ $st -eq 0 ] && grep -q "without the names' readings" "$tmp/lerr" && grep -Eq '"id":[[:space:]]*"report-2021"' lone.json && ok ||
    bad "a .txt without the backends module: status $st, $(head -3 "$tmp/lerr"), id $(grep -m1 '"id"' lone.json 2>/dev/null)"
# a folder named templates beside bin/ (a user's ~/templates with PREFIX=~)
# and a file named like a template in the working folder change nothing
mkdir -p "$q/templates" && : >briefing
check "render with PREFIX/templates and ./briefing present" "$q/bin/briefing" render "$report" -t briefing -o b2.pdf
rm -f briefing && rmdir "$q/templates"
"$q/bin/briefing" templates >"$tmp/t" 2>&1
grep -q "^briefing " "$tmp/t" && grep -q "$q/share/briefing/templates/gbt9704.json" "$tmp/t" && ok ||
    bad "briefing templates does not list the installed ones: $(head -3 "$tmp/t")"
# (its debugging sections name the sources, as every -g build's do)
strip -o "$tmp/stripped" "$q/bin/briefing"
grep -q "$src" "$tmp/stripped" && bad "the binary holds the source path $src" || ok
check "check -t summary" "$q/bin/briefing" check -t summary
# mail is a module the program loads from the moved tree
printf 'id,name,to,cc\nhengshan-2021,衡山县司法局,sfj@example.org,\n' >rcpt.csv
check "mail -o with the moved tree" "$q/bin/briefing" mail "$report" --to rcpt.csv \
    --from "briefing <b@example.org>" -o eml -q
ls eml/*.eml >/dev/null 2>&1 && ok || bad "mail -o wrote no message"
check "serve --help loads its module from the moved tree" "$q/bin/briefing" serve --help
# the manual
MANWIDTH=80 man -l "$q/share/man/man1/briefing.1" >"$tmp/man" 2>"$tmp/manerr" && grep -q "EXIT STATUS" "$tmp/man" &&
    ok || bad "man page: $(head -3 "$tmp/manerr")"
[ -z "$(groff -man -Tutf8 -ww -z "$q/share/man/man1/briefing.1" 2>&1)" ] && ok || bad "groff warns on the man page"
# the bash completion
if [ -f /usr/share/bash-completion/bash_completion ]; then
    got=$(PATH="$q/bin:$PATH" bash -c '
        source /usr/share/bash-completion/bash_completion
        source "$1"
        COMP_WORDS=(briefing re); COMP_CWORD=1; COMP_LINE="briefing re"; COMP_POINT=${#COMP_LINE}
        _briefing; echo "${COMPREPLY[*]}"
        COMP_WORDS=(briefing render -t gb); COMP_CWORD=3; COMP_LINE="briefing render -t gb"; COMP_POINT=${#COMP_LINE}
        _briefing; echo "${COMPREPLY[*]}"
        COMP_WORDS=(briefing batch --na); COMP_CWORD=2; COMP_LINE="briefing batch --na"; COMP_POINT=${#COMP_LINE}
        _briefing; echo "${COMPREPLY[*]}"' _ "$q/share/bash-completion/completions/briefing" 2>&1)
    [ "$got" = $'render\ngbt9704\n--name' ] && ok || bad "completion gave: $got"
else
    bad "bash-completion is not installed (scripts/setup.sh installs it)"
fi
# the library through pkg-config, shared then static
export PKG_CONFIG_PATH=$libdir/pkgconfig
check "pkg-config knows briefing" pkg-config --exists briefing
[ "$(pkg-config --modversion briefing)" = "$("$q/bin/briefing" --version | awk '{print $2}')" ] && ok ||
    bad "pkg-config version differs from the program's"
check "compile examples/render.c (shared)" cc -std=c17 -Wall -Wextra -Werror "$src/examples/render.c" \
    $(pkg-config --cflags --libs briefing) -o ex-shared
check "run it" env LD_LIBRARY_PATH="$libdir" ./ex-shared "$report" c.pdf
check "its PDF reads" pdfinfo c.pdf
pdftotext c.pdf - | grep "衡山县" >/dev/null && ok || bad "the example's PDF lacks the report's text"
# linked statically, libbriefing.a needs its dependencies' shared libraries
# (pkg-config --static would ask for every library's own static ones)
static_libs="$(pkg-config --libs $(pkg-config --print-requires-private briefing)) -lhpdf -lm -pthread"
check "compile examples/render.c (static)" cc -std=c17 -Wall -Werror "$src/examples/render.c" \
    $(pkg-config --cflags briefing) "$libdir/libbriefing.a" $static_libs -o ex-static
# a program linked statically is not in the prefix: it finds the data
# through XDG_DATA_DIRS, as other programs find theirs
check "run it" env XDG_DATA_DIRS="$q/share" ./ex-static "$report" d.pdf gbt9704
cmp -s <(pdftotext d.pdf -) <(pdftotext b.pdf -) && ok || bad "the static example's gbt9704 PDF differs from the CLI's"
for how in shared static; do
    if [ $how = shared ]; then link=$(pkg-config --libs briefing); else link="$libdir/libbriefing.a $static_libs"; fi
    check "a program with the library's internal names ($how)" cc -std=c17 -Wall -Werror \
        "$src/tests/install/clash.c" $(pkg-config --cflags briefing) $link -o clash-$how
    check "runs ($how)" env LD_LIBRARY_PATH="$libdir" ./clash-$how
done
[ -z "$(nm -g --defined-only "$libdir/libbriefing.a" 2>/dev/null | awk 'NF == 3 && $3 !~ /^bf_/')" ] && ok ||
    bad "libbriefing.a defines global symbols other than bf_*"
[ -z "$(nm -D --defined-only "$libdir/libbriefing.so" | awk 'NF == 3 && $3 !~ /^bf_/')" ] && ok ||
    bad "libbriefing.so exports symbols other than bf_*"

# the Debian package
if (cd "$build" && cpack -G DEB >"$tmp/cpack" 2>&1); then
    deb=$(ls -t "$build"/briefing_*.deb | head -1)
    dpkg-deb -f "$deb" Depends >"$tmp/dep"
    grep -q "libhpdf" "$tmp/dep" && grep -q "libharfbuzz" "$tmp/dep" && grep -q "fonts-noto-cjk" "$tmp/dep" &&
        ok || bad "the .deb's Depends lacks libraries or fonts: $(cat "$tmp/dep")"
    dpkg-deb -c "$deb" | grep "\./usr/bin/briefing" >/dev/null && ok || bad "the .deb lacks usr/bin/briefing"
    dpkg-deb -x "$deb" "$tmp/deb"
    check "render with the unpacked .deb" "$tmp/deb/usr/bin/briefing" render "$report" -o e.pdf
    check "its PDF reads" pdfinfo e.pdf
    rm -f "$deb"
else
    bad "cpack: $(tail -5 "$tmp/cpack")"
fi

# make install / make uninstall
(cd "$src" && make -s install PREFIX="$tmp/m" BUILD="$build" >/dev/null 2>"$tmp/mi") && [ -x "$tmp/m/bin/briefing" ] && ok ||
    bad "make install: $(tail -3 "$tmp/mi")"
(cd "$src" && make -s uninstall PREFIX="$tmp/m" BUILD="$build" >/dev/null 2>"$tmp/mu") && ok || bad "make uninstall: $(tail -3 "$tmp/mu")"
left=$(find "$tmp/m" -type f 2>/dev/null | head -3)
(cd "$src" && make -s uninstall PREFIX="$tmp/never" BUILD="$build" >/dev/null 2>&1) && bad "make uninstall of a prefix never installed succeeded" || ok
[ -z "$left" ] && ok || bad "make uninstall left $left"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
