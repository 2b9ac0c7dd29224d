#!/usr/bin/env python3
"""update-codes.py [--check]: regenerate the finding-code references in
README.md and docs/migcheck.1 from the registry in src/report/codes.c
(code, default severity, what it means, how to fix it), between the
markers "codes:begin" and "codes:end". With --check, change nothing and
exit 1 when either file is out of date (tests/e2e/t0090-docs.sh runs it)."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def c_string(s):
    """Join adjacent C string literals and undo the simple escapes."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', s)
    return "".join(parts).replace('\\"', '"').replace("\\\\", "\\")


def registry():
    src = open(os.path.join(ROOT, "src/report/codes.c"), encoding="utf-8").read()
    body = src[src.index("codes[] = {"):src.index("{ NULL")]
    groups, group = [], None
    entry = re.compile(r'\{\s*("(?:[^"\\]|\\.)*")\s*,\s*MC_SEV_(\w+)\s*,\s*'
                       r'((?:"(?:[^"\\]|\\.)*"\s*)+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\}', re.S)
    for m in re.finditer(r'/\*\s*(.*?)\s*\*/|' + entry.pattern, body, re.S):
        if m.group(1) is not None:
            group = (m.group(1), [])
            groups.append(group)
            continue
        if group is None:
            group = ("findings", [])
            groups.append(group)
        group[1].append((c_string(m.group(2)), m.group(3).lower(),
                         c_string(m.group(4)), c_string(m.group(5))))
    return [g for g in groups if g[1]]


def md(s):
    return s.replace("|", "\\|")


def readme_block(groups):
    out = []
    for title, codes in groups:
        out.append("### %s\n" % title.capitalize())
        out.append("| code | default | what it means | how to fix it |")
        out.append("|---|---|---|---|")
        for code, sev, summary, fix in codes:
            out.append("| `%s` | %s | %s | %s |" % (code, sev, md(summary), md(fix)))
        out.append("")
    return "\n".join(out)


def roff(s):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    if s[:1] in (".", "'"):
        s = "\\&" + s
    return s


def man_block(groups):
    out = []
    for title, codes in groups:
        out.append(".SS %s" % roff(title.capitalize()))
        for code, sev, summary, fix in codes:
            out.append(".TP")
            out.append(".BR %s \" (%s)\"" % (roff(code), sev))
            out.append(roff(summary[0].upper() + summary[1:]) + ".")
            out.append("Fix: " + roff(fix) + ".")
    return "\n".join(out)


def replace(text, begin, end, block, name):
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < i:
        sys.exit("update-codes.py: %s has no %r ... %r markers" % (name, begin, end))
    i += len(begin)
    return text[:i] + "\n" + block + "\n" + text[j:]


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        sys.exit("usage: docs/update-codes.py [--check]")
    groups = registry()
    stale = 0
    for name, begin, end, block in (
            ("README.md", "<!-- codes:begin -->", "<!-- codes:end -->", readme_block(groups)),
            ("docs/migcheck.1", '.\\" codes:begin', '.\\" codes:end', man_block(groups))):
        path = os.path.join(ROOT, name)
        old = open(path, encoding="utf-8").read()
        new = replace(old, begin, end, block, name)
        if new != old:
            stale = 1
            if check:
                print("%s: the finding-code reference is out of date with "
                      "src/report/codes.c: run docs/update-codes.py" % name, file=sys.stderr)
            else:
                open(path, "w", encoding="utf-8").write(new)
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
