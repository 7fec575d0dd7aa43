#!/usr/bin/env python3
"""No call circles between the files of a stage folder (src/render/, src/tmpl/,
every other): if a.c calls a function defined in b.c, b.c calls nothing
defined in a.c, directly or through other files of the folder. A newcomer
then reads a folder from its leaf files up. Functions are found as
definitions at the start of a line (the code base's style), calls as NAME(
outside comments and strings.

    call_layers.py SRC_DIR
"""
import os
import re
import sys

DEF = re.compile(r"^(?!static\b)[A-Za-z_][\w \t*]*?\b([a-z_]\w*)\s*\([^;]*$", re.M)


def strip(src):
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    src = re.sub(r"//[^\n]*", " ", src)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', src)


def folder_edges(path):
    files = sorted(f for f in os.listdir(path) if f.endswith(".c"))
    text = {f: strip(open(os.path.join(path, f), encoding="utf-8").read()) for f in files}
    defs = {}
    for f in files:
        for m in DEF.finditer(text[f]):
            defs.setdefault(m.group(1), f)
    edges = {}
    for f in files:
        for name, d in defs.items():
            if d != f and re.search(r"\b" + re.escape(name) + r"\s*\(", text[f]):
                edges.setdefault(f, {}).setdefault(d, []).append(name)
    return files, edges


def cycle(files, edges):
    state = {f: 0 for f in files}
    stack = []

    def visit(f):
        state[f] = 1
        stack.append(f)
        for g in sorted(edges.get(f, {})):
            if state[g] == 1:
                return stack[stack.index(g):] + [g]
            if state[g] == 0:
                c = visit(g)
                if c:
                    return c
        stack.pop()
        state[f] = 2
        return None

    for f in files:
        if state[f] == 0:
            c = visit(f)
            if c:
                return c
    return None


def main():
    src = sys.argv[1]
    failed = passed = 0
    for d in sorted(os.listdir(src)):
        path = os.path.join(src, d)
        if not os.path.isdir(path):
            continue
        files, edges = folder_edges(path)
        c = cycle(files, edges)
        if c:
            failed += 1
            hops = ["%s -> %s (%s)" % (a, b, ", ".join(sorted(edges[a][b])[:3])) for a, b in zip(c, c[1:])]
            print("FAIL [src/%s]: call circle: %s" % (d, "; ".join(hops)))
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
